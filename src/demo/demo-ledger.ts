import type { HubApp } from '../app.ts';
import { runInsights, type InsightsRequest } from '../insights/insights.service.ts';
import { runPayouts, type PayoutRunSummary } from '../ledger/payout-run.ts';
import { periodOf, previousPeriod } from '../ledger/periods.ts';
import type { Principal } from '../auth/principal.ts';

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

/**
 * A month of revenue-share history for the demo: the queries above are billed on the 10th of last month,
 * last month's payout run closes it (with the hub's minimum, so small earnings are carried forward, as they
 * would be), and one more query is billed today, in the open month. Consents and agreements are seeded
 * before, dated the 2nd of last month (see seedDemoConsents), so every query counts users who had agreed.
 */
export async function seedDemoLedger(app: HubApp, now: Date = new Date()): Promise<DemoLedgerReport> {
  const lastPeriod = previousPeriod(periodOf(now));
  const queriedAt = demoHistoryDate(now, 10);
  let lastMonthQueries = 0;
  for (const { principal, request } of LAST_MONTH_QUERIES) {
    const outcome = await runInsights({ db: app.sessionFor(principal), policies: app.policies, now: () => queriedAt, secret: app.secret, noise: app.config.insightsNoise }, principal, request);
    if (outcome.allowed) lastMonthQueries++;
  }
  const payout = await runPayouts(app.database.session({ role: 'hub_ledger' }), { period: lastPeriod, minimumFen: app.config.payoutMinimumFen, now });
  const today = await runInsights({ db: app.sessionFor(BRAND), policies: app.policies, now: () => now, secret: app.secret, noise: app.config.insightsNoise }, BRAND, LAST_MONTH_QUERIES[0]!.request);
  return { lastMonth: { period: lastPeriod, queries: lastMonthQueries, payout }, thisMonth: { period: periodOf(now), queries: today.allowed ? 1 : 0 } };
}

/** A day of last month (UTC, 10:00), where the demo's history is dated. */
export function demoHistoryDate(now: Date, day: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, day, 10));
}
