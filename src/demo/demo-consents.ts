import type { HubApp } from '../app.ts';
import { decideAgreement, requestAgreement } from '../agreements/agreements.service.ts';
import { changeConsents, type ConsentRequest } from '../consent/consent.service.ts';
import type { Principal } from '../auth/principal.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import { listPlatformSubjects } from '../subjects/subjects.repository.ts';

/** Share of demo users who grant product-rnd (and half of them recycling-optimization too). */
const CONSENTING_SHARE = 0.4;

export interface DemoConsentReport {
  productRnd: number;
  recyclingOptimization: number;
}

/**
 * Makes the demo's insights answer out of the box: 40% of the demo platform's users grant product-rnd
 * (half of those also recycling-optimization) through the consent service's batched path — the same
 * ledger, receipts and hash chain as a user's own click — and the demo brand and recycler hold active
 * agreements. The printed demo user is left at never_asked, so trying the consent flow starts from the beginning. `at` dates the
 * consents and agreements (the demo dates them in last month, before its revenue-share history).
 */
export async function seedDemoConsents(app: HubApp, options: { exceptSubjectRef?: string; at?: Date } = {}): Promise<DemoConsentReport> {
  const at = options.at ?? new Date();
  // The agreements in the name of whoever takes each step: the brand asks, the operator decides.
  const contextFor = (principal: Principal) => ({
    db: app.sessionFor(principal),
    secret: app.secret,
    policies: app.policies,
    signingKey: app.signingKey,
    hubId: app.config.hubId,
    now: () => at,
  });
  const cipher = subjectRefCipher(app.secret);
  const platformSession = app.sessionFor({ kind: 'party', partyId: 'demo-platform', role: 'platform' });
  const subjects = (await listPlatformSubjects(platformSession, 'demo-platform')).map((subject) => ({
    subject_ref: cipher.open(subject.id, subject.subject_ref_sealed),
  }));
  const report: DemoConsentReport = { productRnd: 0, recyclingOptimization: 0 };
  const every = Math.round((1 / CONSENTING_SHARE) * 2);
  const requests: ConsentRequest[] = [];
  for (const [index, { subject_ref: subjectRef }] of subjects.entries()) {
    if (subjectRef === options.exceptSubjectRef || index % every >= 2) continue;
    const user = { platformId: 'demo-platform', subjectRef };
    requests.push({ user, purpose: 'product-rnd', action: 'grant' });
    if (index % every === 0) requests.push({ user, purpose: 'recycling-optimization', action: 'grant' });
  }
  // Thousands of users' clicks at once: the batched path (the same events, receipts and chains as one
  // changeConsent each, a few hundred users per transaction). A user's own session sees one subject, so the
  // batch runs as the tables' owner, as the seed's other set-up steps (ensureDemoFirms) do.
  const outcomes = await changeConsents(
    {
      db: app.database.db,
      secret: app.secret,
      policies: app.policies,
      signingKey: app.signingKey,
      hubId: app.config.hubId,
      now: () => at,
    },
    requests,
  );
  outcomes.forEach((outcome, i) => {
    if (!outcome.ok) throw outcome.error;
    if (requests[i]!.purpose === 'product-rnd') report.productRnd++;
    else report.recyclingOptimization++;
  });
  const brand = { kind: 'party', partyId: 'demo-brand', role: 'brand' } as const;
  const recycler = { kind: 'party', partyId: 'demo-recycler', role: 'recycler' } as const;
  const brandAgreement = await requestAgreement(contextFor(brand), brand, 'product-rnd');
  if (brandAgreement.effectiveStatus === 'requested') {
    await decideAgreement(contextFor({ kind: 'party', partyId: 'operator', role: 'operator' }), 'operator', brandAgreement.id, true);
  }
  await requestAgreement(contextFor(recycler), recycler, 'recycling-optimization');
  return report;
}
