import type { HubApp } from '../app.ts';
import { decideAgreement, requestAgreement } from '../agreements/agreements.service.ts';
import { changeConsent } from '../consent/consent.service.ts';
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
 * (half of those also recycling-optimization) through the consent service — the same ledger, receipts and
 * hash chain as a user's own click — and the demo brand and recycler hold active agreements. The printed
 * demo user is left at never_asked, so trying the consent flow starts from the beginning. `at` dates the
 * consents and agreements (the demo dates them in last month, before its revenue-share history).
 */
export async function seedDemoConsents(app: HubApp, options: { exceptSubjectRef?: string; at?: Date } = {}): Promise<DemoConsentReport> {
  const at = options.at ?? new Date();
  const context = { db: app.database.db, secret: app.secret, policies: app.policies, signingKey: app.signingKey, hubId: app.config.hubId, now: () => at };
  const cipher = subjectRefCipher(app.secret);
  const subjects = (await listPlatformSubjects(app.database.db, 'demo-platform'))
    .map((subject) => ({ subject_ref: cipher.open(subject.id, subject.subject_ref_sealed) }));
  const report: DemoConsentReport = { productRnd: 0, recyclingOptimization: 0 };
  const every = Math.round(1 / CONSENTING_SHARE * 2);
  for (const [index, { subject_ref: subjectRef }] of subjects.entries()) {
    if (subjectRef === options.exceptSubjectRef || index % every >= 2) continue;
    const user = { platformId: 'demo-platform', subjectRef };
    await changeConsent(context, user, 'product-rnd', 'grant');
    report.productRnd++;
    if (index % every === 0) {
      await changeConsent(context, user, 'recycling-optimization', 'grant');
      report.recyclingOptimization++;
    }
  }
  const brandAgreement = await requestAgreement(context, { partyId: 'demo-brand', role: 'brand' }, 'product-rnd');
  if (brandAgreement.effectiveStatus === 'requested') await decideAgreement(context, 'operator', brandAgreement.id, true);
  await requestAgreement(context, { partyId: 'demo-recycler', role: 'recycler' }, 'recycling-optimization');
  return report;
}
