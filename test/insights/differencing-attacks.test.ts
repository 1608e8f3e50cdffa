import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInsights, type InsightRow, type InsightsRequest } from '../../src/insights/insights.service.ts';
import type { PolicyDimension, PolicyMeasure } from '../../src/policy/policy-vocabulary.ts';
import { seedPopulation, type PopulationMember } from '../support/insights-population.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

// The five ways issue 13 recovered one person's exact record under product-rnd by subtracting two allowed
// answers. Each runs twice on the same seeded hub: with noise off (the old exact answers: the attack must
// work, or this test proves nothing) and with the noise the hub ships with (it must not recover any measure).

const BIG = 'iPhone 13';
const MINI = 'iPhone 12 mini';
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09'];
const TARGET = { usageMonths: 97, batteryHealthPct: 61, grade: 'E', fault: 'boot_loop' } as const;
const MEASURES: PolicyMeasure[] = ['count', 'usageMonthsAvg', 'batteryHealthPctAvg', 'gradeDistribution', 'faultRate'];

function member(i: number, model: string, month: string, usageMonths: number, grade: string, battery: number, faults: string[]): PopulationMember {
  return {
    subjectRef: `5d1f7c3e-2b9a-4e6d-8f10-${i.toString(16).padStart(12, '0')}`,
    tradeIn: {
      externalRef: `DIFF-${i}`,
      category: 'mobile_phone',
      brand: 'Apple',
      model,
      usageMonths,
      tradeInMonth: month,
      regionCode: '310000',
      channel: 'online',
      quotedValuationFen: 150_000 + i,
    },
    inspection: { externalRef: `DIFF-QC-${i}`, grade, inspectedMonth: month, batteryHealthPct: battery, faults },
  };
}

/** 200 of the big model in the target's month and 100 before it; 12 of the target's model before it; the target alone after them. */
function population(): PopulationMember[] {
  const members: PopulationMember[] = [];
  let i = 0;
  for (let n = 0; n < 200; n++)
    members.push(member(i++, BIG, '2026-09', 20 + (n % 30), n % 3 === 0 ? 'A' : 'B', 80 + (n % 15), n % 4 === 0 ? ['screen_scratch_minor'] : []));
  for (let n = 0; n < 104; n++) members.push(member(i++, BIG, MONTHS[n % 8]!, 18 + (n % 25), n % 2 === 0 ? 'A' : 'C', 78 + (n % 17), []));
  for (let n = 0; n < 12; n++) members.push(member(i++, MINI, MONTHS[n % 8]!, 30 + n, 'B', 85, ['housing_scratch']));
  members.push(member(i++, MINI, '2026-09', TARGET.usageMonths, TARGET.grade, TARGET.batteryHealthPct, [TARGET.fault]));
  return members;
}

interface Attack {
  name: string;
  groupBy: PolicyDimension[];
  withTarget: InsightsRequest['filters'];
  withoutTarget: InsightsRequest['filters'];
  /** The row the attacker subtracts. */
  pick: (rows: InsightRow[]) => InsightRow | undefined;
}

const ungrouped = (rows: InsightRow[]) => rows.find((r) => !r.remainder);
const ATTACKS: Attack[] = [
  {
    name: '(1) a month range ending at the target month vs. one month earlier',
    groupBy: [],
    pick: ungrouped,
    withTarget: { model: [MINI], tradeInMonthFrom: '2026-01', tradeInMonthTo: '2026-09' },
    withoutTarget: { model: [MINI], tradeInMonthFrom: '2026-01', tradeInMonthTo: '2026-08' },
  },
  {
    name: '(2) a month list with vs. without the target month',
    groupBy: [],
    pick: ungrouped,
    withTarget: { model: [MINI], tradeInMonth: MONTHS },
    withoutTarget: { model: [MINI], tradeInMonth: MONTHS.slice(0, 8) },
  },
  {
    name: "(3) padding: the target's model plus a large model vs. the large model alone",
    groupBy: [],
    pick: ungrouped,
    withTarget: { model: [MINI, BIG], tradeInMonth: ['2026-09'] },
    withoutTarget: { model: [BIG], tradeInMonth: ['2026-09'] },
  },
  {
    name: "(4) the merged remainder row of a grouping, with vs. without the target's month",
    groupBy: ['model', 'tradeInMonth'],
    pick: (rows) => rows.find((r) => r.remainder),
    withTarget: { tradeInMonthTo: '2026-09' },
    withoutTarget: { tradeInMonthTo: '2026-08' },
  },
  {
    name: '(5) groupBy model over a brand, with vs. without the month',
    groupBy: ['model'],
    pick: (rows) => rows.find((r) => r.keys.model === MINI),
    withTarget: { brand: ['apple'], tradeInMonth: MONTHS },
    withoutTarget: { brand: ['apple'], tradeInMonth: MONTHS.slice(0, 8) },
  },
];

/** What the attacker reads off two rows for each measure; null where a row was not released. */
function recovered(a: InsightRow | undefined, b: InsightRow | undefined): Record<string, boolean> {
  if (a === undefined || b === undefined) return Object.fromEntries(MEASURES.map((m) => [m, false]));
  const n = (row: InsightRow) => Number(row.values.count);
  const total = (row: InsightRow, m: string) => Number(row.values[m] ?? NaN) * n(row);
  const share = (row: InsightRow, m: string, v: string) => ((row.values[m] as Record<string, number> | null)?.[v] ?? 0) * n(row);
  const difference = n(a) - n(b);
  const close = (x: number, y: number) => Math.abs(x - y) < 1e-6;
  return {
    count: difference === 1,
    usageMonthsAvg: close((total(a, 'usageMonthsAvg') - total(b, 'usageMonthsAvg')) / difference, TARGET.usageMonths),
    batteryHealthPctAvg: close((total(a, 'batteryHealthPctAvg') - total(b, 'batteryHealthPctAvg')) / difference, TARGET.batteryHealthPct),
    gradeDistribution: close(share(a, 'gradeDistribution', TARGET.grade) - share(b, 'gradeDistribution', TARGET.grade), 1),
    faultRate: close(share(a, 'faultRate', TARGET.fault) - share(b, 'faultRate', TARGET.fault), 1),
  };
}

describe('differencing attacks on product-rnd', () => {
  let hub: TestHub;
  const BRAND = { kind: 'party', partyId: 'brand-a', role: 'brand' } as const;
  const ask = async (noise: 'on' | 'off', groupBy: PolicyDimension[], filters: InsightsRequest['filters']) => {
    const outcome = await runInsights(
      { db: hub.app.sessionFor(BRAND), policies: hub.app.policies, now: () => new Date(), secret: hub.app.secret, noise },
      BRAND,
      { purpose: 'product-rnd', groupBy, measures: MEASURES, filters },
    );
    if (!outcome.allowed) throw new Error(`the attack's query must be allowed: ${outcome.decision.matchedRules.join(', ')}`);
    return outcome.answer.rows;
  };

  beforeAll(async () => {
    hub = await createTestHub({ secret: Buffer.alloc(32, 13) });
    await seedPopulation(hub, population(), ['product-rnd']);
    const brand = await hub.token('brand-a');
    const { agreement } = (await hub.graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, brand)).body.data
      .requestAgreement;
    await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));
  }, 900_000);
  afterAll(async () => hub.close());

  for (const attack of ATTACKS) {
    it(`${attack.name}: recovers every measure from exact answers, none from noisy ones`, async () => {
      const exact = recovered(
        attack.pick(await ask('off', attack.groupBy, attack.withTarget)),
        attack.pick(await ask('off', attack.groupBy, attack.withoutTarget)),
      );
      expect(exact).toEqual(Object.fromEntries(MEASURES.map((m) => [m, true])));
      const noisy = recovered(
        attack.pick(await ask('on', attack.groupBy, attack.withTarget)),
        attack.pick(await ask('on', attack.groupBy, attack.withoutTarget)),
      );
      expect(noisy).toEqual(Object.fromEntries(MEASURES.map((m) => [m, false])));
    }, 300_000);
  }

  it('releases the padded rows under noise, so noise (not only the release threshold) is what the padding attack meets', async () => {
    const padded = ungrouped(await ask('on', [], ATTACKS[2]!.withTarget));
    const alone = ungrouped(await ask('on', [], ATTACKS[2]!.withoutTarget));
    expect(padded).toBeDefined();
    expect(alone).toBeDefined();
  });
});
