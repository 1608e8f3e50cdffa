import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeConsent } from '../../src/consent/consent.service.ts';
import { catalogueModels } from '../support/catalogue.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

/**
 * A brand's recovery funnel (issue #15 item 5) through the public interface, with noise on: traded in →
 * inspected → disposed per model under product-rnd. One model loses devices at each stage; on the other
 * every inspected device was disposed of, where noise alone would often put "disposed" above "inspected".
 */
const MODELS = [
  { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09' },
  { brand: 'Apple', model: 'iPhone 12 128GB', category: 'mobile_phone', launchMonth: '2020-10' },
];
const TRUTH = {
  'iPhone 13 128GB': { tradedIn: 160, inspected: 120, disposed: 80 },
  'iPhone 12 128GB': { tradedIn: 100, inspected: 70, disposed: 70 },
} as const;

const QUERY = /* GraphQL */ `
  query ($purpose: String!) {
    insights(purpose: $purpose, groupBy: [model], measures: [count, recoveryFunnel], filter: { brand: ["apple"] }) {
      __typename
      ... on Insights {
        rows {
          keys
          subjects
          values
        }
        noise {
          epsilonSpent
          repeat
        }
      }
      ... on AccessDenied {
        matchedRules
      }
    }
  }
`;

const mutation = (name: string) =>
  `mutation($d:[JSON!]!){${name}(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionAccepted{ticket} ... on SubmissionRejected{errors{path code}}}}}}`;

describe('the recovery funnel for brands', () => {
  let hub: TestHub;
  let brand: string;

  async function submit(name: string, documents: Record<string, unknown>[], token: string): Promise<string[]> {
    const { body } = await hub.graphql(mutation(name), { d: documents }, token);
    const results = body.data[name].results as { __typename: string; ticket?: string }[];
    const refused = results.find((r) => r.__typename !== 'SubmissionAccepted');
    if (refused !== undefined) throw new Error(JSON.stringify(refused));
    return results.map((r) => r.ticket ?? '');
  }

  beforeAll(async () => {
    hub = await createTestHub({ secret: Buffer.alloc(32, 15) });
    await catalogueModels(hub, MODELS);
    const platform = await hub.token('platform-a');
    const recycler = await hub.token('recycler-a');
    const context = {
      db: hub.app.database.db,
      secret: hub.app.secret,
      policies: hub.app.policies,
      signingKey: hub.app.signingKey,
      hubId: hub.config.hubId,
      now: () => new Date(),
    };
    let n = 0;
    for (const [m, [model, truth]] of Object.entries(TRUTH).entries()) {
      const refs = Array.from({ length: truth.tradedIn }, () => `uFunnelSubject-${(n++).toString(36).padStart(4, 'a')}-consenting`);
      const tickets = await submit(
        'submitTradeIns',
        refs.map((subjectRef, i) => ({
          externalRef: `FUNNEL-TI-${m}-${i}`,
          subjectRef,
          recycler: 'recycler-a',
          category: 'mobile_phone',
          brand: 'Apple',
          model,
          usageMonths: 12 + (i % 30),
          tradeInMonth: '2026-09',
          regionCode: '440300',
          channel: 'online',
          quotedValuationFen: 100_000 + i,
        })),
        platform,
      );
      const inspected = tickets.slice(0, truth.inspected);
      await submit(
        'submitInspections',
        inspected.map((ticket, i) => ({ externalRef: `FUNNEL-QC-${m}-${i}`, ticket, grade: i % 2 === 0 ? 'A' : 'B', inspectedMonth: '2026-10', faults: [] })),
        recycler,
      );
      await submit(
        'submitDispositions',
        inspected.slice(0, truth.disposed).map((ticket, i) => ({
          externalRef: `FUNNEL-DP-${m}-${i}`,
          ticket,
          disposition: 'refurbished',
          completedMonth: '2026-11',
          weightKg: 0.2,
        })),
        recycler,
      );
      for (const subjectRef of refs) await changeConsent(context, { platformId: 'platform-a', subjectRef }, 'product-rnd', 'grant');
    }
    brand = await hub.token('brand-a');
    const { agreement } = (await hub.graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, brand)).body.data
      .requestAgreement;
    await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));
  }, 600_000);
  afterAll(async () => hub.close());

  it('gives a brand per model a monotone, noisy funnel near the truth, its rate derived from the noisy counts', async () => {
    const answer = (await hub.graphql(QUERY, { purpose: 'product-rnd' }, brand)).body.data.insights;
    expect(answer.__typename).toBe('Insights');
    expect(answer.noise).toMatchObject({ epsilonSpent: 1, repeat: false });
    expect(answer.rows.map((r: { keys: { model: string } }) => r.keys.model).sort()).toEqual(Object.keys(TRUTH).sort());
    for (const row of answer.rows as {
      keys: { model: keyof typeof TRUTH };
      subjects: number;
      values: { count: number; recoveryFunnel: Record<string, number> };
    }[]) {
      const truth = TRUTH[row.keys.model];
      const funnel = row.values.recoveryFunnel;
      expect(Object.keys(funnel).sort()).toEqual(['disposed', 'inspected', 'recoveryRate', 'tradedIn']);
      expect(funnel.tradedIn).toBe(row.values.count);
      expect(funnel.disposed).toBeLessThanOrEqual(funnel.inspected!);
      expect(funnel.inspected).toBeLessThanOrEqual(funnel.tradedIn!);
      expect(funnel.disposed).toBeGreaterThanOrEqual(0);
      expect(funnel.recoveryRate).toBe(funnel.disposed! / funnel.tradedIn!);
      // Noise of scale 4 per count (ε 1 over four statistics): a loose band, far from any exact figure.
      for (const stage of ['tradedIn', 'inspected', 'disposed'] as const) expect(Math.abs(funnel[stage]! - truth[stage])).toBeLessThan(40);
      for (const stage of ['tradedIn', 'inspected', 'disposed'] as const) expect(Number.isInteger(funnel[stage])).toBe(true);
    }
    const again = (await hub.graphql(QUERY, { purpose: 'product-rnd' }, brand)).body.data.insights;
    expect(again.rows).toEqual(answer.rows);
    expect(again.noise).toMatchObject({ epsilonSpent: 0, repeat: true });
  });

  it('is refused under a purpose whose policy does not grant it', async () => {
    const answer = (await hub.graphql(QUERY, { purpose: 'precise-recommendation' }, brand)).body.data.insights;
    expect(answer.__typename).toBe('AccessDenied');
    expect(answer.matchedRules).toContain('request.measure_not_allowed');
  });
});
