import type { HubApp } from '../app.ts';
import { runInsights, type InsightsRequest } from '../insights/insights.service.ts';
import { runPayouts, type PayoutRunSummary } from '../ledger/payout-run.ts';
import { periodOf, previousPeriod } from '../ledger/periods.ts';
import type { Principal } from '../auth/principal.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import { dateDemoDeliveries } from './demo-history.repository.ts';

export interface DemoLedgerReport {
  lastMonth: { period: string; queries: number; payout: PayoutRunSummary };
  thisMonth: { period: string; queries: number };
}

const BRAND: Principal = { kind: 'party', partyId: 'demo-brand', role: 'brand' };
const RECYCLER: Principal = { kind: 'party', partyId: 'demo-recycler', role: 'recycler' };

const LAST_MONTH_QUERIES: { principal: Principal; request: InsightsRequest }[] = [
  { principal: BRAND, request: { purpose: 'product-rnd', groupBy: ['model'], measures: ['count', 'faultRate'], filters: {} } },
  { principal: BRAND, request: { purpose: 'product-rnd', groupBy: ['category', 'ageBand'], measures: ['count', 'residualRatioP50'], filters: {} } },
  { principal: RECYCLER, request: { purpose: 'recycling-optimization', groupBy: ['category'], measures: ['count', 'dispositionShares'], filters: {} } },
];

/** The category the demo brand's R&D studies closely last month: its consenting owners pass the payout minimum. */
export const DEMO_STUDIED_CATEGORY = 'mobile_phone';
const STUDY_PURPOSE = 'product-rnd';
// One group per request (the whole category), so every consenting phone owner is counted by each query.
const STUDY_GROUPINGS: readonly PolicyDimension[][] = [[], ['category']];
// The first four read the record alone (no inspection join: cheap); 34 requests, the count a 100-fen minimum
// needs, use them and then valuationP50. Each request releases at most five noisy statistics.
const STUDY_MEASURES: readonly PolicyMeasure[] = ['share', 'usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90', 'valuationP50', 'gradeDistribution'];

/**
 * Distinct product-rnd requests over the studied category (a repeat would cost nothing and pay nobody):
 * `count` with each subset of STUDY_MEASURES, the cheap subsets first, each under every grouping.
 */
export function demoStudyRequests(count: number): InsightsRequest[] {
  const requests: InsightsRequest[] = [];
  for (let mask = 0; mask < 2 ** STUDY_MEASURES.length && requests.length < count; mask++) {
    const measures: PolicyMeasure[] = ['count', ...STUDY_MEASURES.filter((_, bit) => (mask & (1 << bit)) !== 0)];
    for (const groupBy of STUDY_GROUPINGS) {
      if (requests.length < count) requests.push({ purpose: STUDY_PURPOSE, groupBy, measures, filters: { category: [DEMO_STUDIED_CATEGORY] } });
    }
  }
  return requests;
}

/**
 * How many study queries take a counted user past the payout minimum. Each query pays a counted user the
 * users' share of the price per subject (8 fen × 50% = 4 fen) — or one fen less when the noisy count the
 * query is billed at falls below the exact count its pool is shared by — so the count assumes one fen less.
 * At most what the brand's monthly privacy budget leaves after the other queries.
 */
export function demoStudyQueryCount(app: HubApp, otherQueries: number): number {
  const policy = app.policies.get(STUDY_PURPOSE);
  if (policy === undefined || policy.status !== 'allowed') return 0;
  const perQueryFen = Math.floor((policy.pricePerSubjectFen * policy.revenueSplitBp.users) / 10_000) - 1;
  if (perQueryFen < 1) return 0;
  const budget =
    policy.differentialPrivacy === undefined
      ? Infinity
      : Math.floor(policy.differentialPrivacy.monthlyBudget / policy.differentialPrivacy.epsilonPerQuery) - otherQueries - 1;
  return Math.max(0, Math.min(Math.ceil(app.config.payoutMinimumFen / perQueryFen), budget, 2 ** STUDY_MEASURES.length * STUDY_GROUPINGS.length));
}

/**
 * A month of revenue-share history for the demo, billed on the 10th of last month: the queries above, and
 * the demo brand's close study of phones (demoStudyRequests) — enough queries that the consenting phone
 * owners pass the payout minimum while everyone else's small earnings are carried forward. Last month's
 * payout run (with the hub's minimum) then closes it, so its statement has lines; one more query is billed
 * today, in the open month. Consents and agreements are seeded before, dated the 2nd of last month (see
 * seedDemoConsents), so every query counts users who had agreed; the demo's documents are dated as
 * received on the 1st (dateDemoDeliveries), so every query finds them.
 */
export async function seedDemoLedger(app: HubApp, now: Date = new Date()): Promise<DemoLedgerReport> {
  const lastPeriod = previousPeriod(periodOf(now));
  const queriedAt = demoHistoryDate(now, 10);
  await dateDemoDeliveries(app.database.db, { platform: 'demo-platform', recycler: 'demo-recycler', brand: 'demo-brand' }, demoHistoryDate(now, 1));
  const study = demoStudyRequests(demoStudyQueryCount(app, LAST_MONTH_QUERIES.length)).map((request) => ({ principal: BRAND, request }));
  let lastMonthQueries = 0;
  for (const { principal, request } of [...LAST_MONTH_QUERIES, ...study]) {
    const outcome = await runInsights(
      { db: app.sessionFor(principal), policies: app.policies, now: () => queriedAt, secret: app.secret, noise: app.config.insightsNoise },
      principal,
      request,
    );
    if (outcome.allowed) lastMonthQueries++;
  }
  const payout = await runPayouts(app.database.session({ role: 'hub_ledger' }), { period: lastPeriod, minimumFen: app.config.payoutMinimumFen, now });
  const today = await runInsights(
    { db: app.sessionFor(BRAND), policies: app.policies, now: () => now, secret: app.secret, noise: app.config.insightsNoise },
    BRAND,
    LAST_MONTH_QUERIES[0]!.request,
  );
  return { lastMonth: { period: lastPeriod, queries: lastMonthQueries, payout }, thisMonth: { period: periodOf(now), queries: today.allowed ? 1 : 0 } };
}

/** A day of last month (UTC, 10:00), where the demo's history is dated. */
export function demoHistoryDate(now: Date, day: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, day, 10));
}
