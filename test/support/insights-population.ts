import { changeConsent } from '../../src/consent/consent.service.ts';
import { catalogueModels } from './catalogue.ts';
import type { TestHub } from './test-hub.ts';

/** One trade-in of the population, with an optional inspection of the device. */
export interface PopulationMember {
  subjectRef: string;
  tradeIn: Record<string, unknown>;
  inspection?: Record<string, unknown>;
}

/**
 * Seeds a population through the hub's own paths: the trade-ins submitted by platform-a (handed to
 * recycler-a when inspected), the inspections by recycler-a on the tickets they got, and each subject's consent to `purposes` through the consent
 * service (the GraphQL mutation's own code, without minting one user token per subject).
 */
export async function seedPopulation(hub: TestHub, members: readonly PopulationMember[], purposes: readonly string[]): Promise<void> {
  const platform = await hub.token('platform-a');
  const recycler = await hub.token('recycler-a');
  // Model-level answers count catalogued models only: the brand catalogues the population's models first.
  const models = new Map(
    members.map((m) => [`${String(m.tradeIn.brand)}\u0000${String(m.tradeIn.model)}`, { brand: String(m.tradeIn.brand), model: String(m.tradeIn.model) }]),
  );
  await catalogueModels(hub, [...models.values()]);
  for (let start = 0; start < members.length; start += 500) {
    const batch = members.slice(start, start + 500);
    const submitted = await hub.graphql(
      'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionAccepted{ticket} ... on SubmissionRejected{errors{path code}}}}}}',
      // A device to be inspected is handed to recycler-a on the trade-in: only a ticket's holder inspects it.
      { d: batch.map((m) => ({ subjectRef: m.subjectRef, ...m.tradeIn, ...(m.inspection === undefined ? {} : { recycler: 'recycler-a' }) })) },
      platform,
    );
    const results = submitted.body.data.submitTradeIns.results as { __typename: string; ticket?: string; errors?: unknown }[];
    const refused = results.find((r) => r.__typename !== 'SubmissionAccepted');
    if (refused !== undefined) throw new Error(`the population must be accepted in full: ${JSON.stringify(refused)}`);
    const inspections = batch.flatMap((m, i) => (m.inspection === undefined ? [] : [{ ...m.inspection, ticket: results[i]!.ticket }]));
    if (inspections.length > 0) {
      const inspected = await hub.graphql(
        'mutation($d:[JSON!]!){submitInspections(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionRejected{errors{path code}}}}}}',
        { d: inspections },
        recycler,
      );
      const refusedInspection = (inspected.body.data.submitInspections.results as { __typename: string }[]).find((r) => r.__typename !== 'SubmissionAccepted');
      if (refusedInspection !== undefined) throw new Error(`the inspections must be accepted in full: ${JSON.stringify(refusedInspection)}`);
    }
  }
  const context = {
    db: hub.app.database.db,
    secret: hub.app.secret,
    policies: hub.app.policies,
    signingKey: hub.app.signingKey,
    hubId: hub.config.hubId,
    now: () => new Date(),
  };
  for (const member of members) {
    for (const purpose of purposes) await changeConsent(context, { platformId: 'platform-a', subjectRef: member.subjectRef }, purpose, 'grant');
  }
}
