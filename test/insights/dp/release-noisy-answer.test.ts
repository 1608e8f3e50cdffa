import { describe, expect, it } from 'vitest';
import { planStatistics, unboundedMeasures } from '../../../src/insights/dp/dp-measures.ts';
import { releaseNoisyAnswer, releaseThreshold, type GroupStatistics } from '../../../src/insights/dp/release-noisy-answer.ts';
import type { DifferentialPrivacySettings } from '../../../src/policy/policy.types.ts';

const SETTINGS: DifferentialPrivacySettings = {
  epsilonPerQuery: 1,
  monthlyBudget: 100,
  recordsPerSubject: 1,
  selectionDelta: 1e-6,
  bounds: {
    usageMonths: { min: 0, max: 120, bins: 120 },
    batteryHealthPct: { min: 0, max: 100 },
    valuationFen: { min: 0, max: 2_000_000, bins: 1000 },
    co2eKg: { min: 0, max: 400 },
    faultsPerRecord: 3,
  },
};
const KEY = Buffer.alloc(32, 3);

/** A group of n records: usage 0..59 months evenly, battery 80 %, valuation 100,000–300,000 fen evenly, half grade A. */
function group(name: string, n: number): GroupStatistics {
  const usage = new Map<number, number>();
  const valuation = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    usage.set(i % 60, (usage.get(i % 60) ?? 0) + 1);
    const bin = Math.floor((100_000 + (200_000 * i) / n) / 2000);
    valuation.set(bin, (valuation.get(bin) ?? 0) + 1);
  }
  const usageSum = Array.from({ length: n }, (_, i) => i % 60).reduce((a, b) => a + b, 0);
  return {
    keys: [name],
    records: n,
    inspected: n,
    disposed: Math.floor((3 * n) / 4),
    sums: { usageMonths: usageSum, batteryHealthPct: 80 * n, co2eKg: 49 * n },
    present: { batteryHealthPct: n },
    histograms: { usageMonths: usage, valuationFen: valuation },
    distributions: {
      gradeDistribution: new Map([
        ['A', Math.floor(n / 2)],
        ['B', n - Math.floor(n / 2)],
      ]),
    },
  };
}

describe('releaseNoisyAnswer', () => {
  const measures = ['count', 'share', 'usageMonthsAvg', 'usageMonthsP50', 'batteryHealthPctAvg', 'valuationP50', 'co2eAvoidedKg', 'gradeDistribution'] as const;
  const release = (groups: GroupStatistics[], seed: string) =>
    releaseNoisyAnswer(
      groups,
      groups.reduce((s, g) => s + g.records, 0),
      { measures: [...measures], settings: SETTINGS, minGroupSize: 10, key: KEY, seed },
    );

  it('gives the same answer for the same seed and another for another seed', () => {
    const groups = [group('big', 5000), group('mid', 2000)];
    expect(release(groups, 's1')).toEqual(release(groups, 's1'));
    expect(release(groups, 's1').rows).not.toEqual(release(groups, 's2').rows);
  });

  it('releases large groups close to the truth and withholds a group of one, saying only roughly how much was withheld', () => {
    const answer = release([group('big', 5000), group('single', 1)], 'accuracy');
    expect(answer.rows.map((r) => r.keys)).toEqual([['big']]);
    const big = answer.rows[0]!.values;
    expect(Math.abs((big.count as number) - 5000) / 5000).toBeLessThan(0.02);
    expect(Math.abs((big.usageMonthsAvg as number) - 29.5) / 29.5).toBeLessThan(0.02);
    expect(Math.abs((big.batteryHealthPctAvg as number) - 80) / 80).toBeLessThan(0.02);
    expect(Math.abs((big.usageMonthsP50 as number) - 30) / 30).toBeLessThan(0.1);
    expect(Math.abs((big.valuationP50 as number) - 200_000) / 200_000).toBeLessThan(0.05);
    expect(Math.abs((big.co2eAvoidedKg as number) - 49 * 5000) / (49 * 5000)).toBeLessThan(0.05);
    expect(Math.abs((big.gradeDistribution as Record<string, number>).A! - 0.5)).toBeLessThan(0.02);
    expect(big.share).toBe(1);
    expect(answer.withheldRecords).toBeGreaterThanOrEqual(0);
  });

  it('sets the release threshold so one subject passes with probability at most δ, and never below k', () => {
    const plan = planStatistics([...measures]);
    const epsilon = plan.weights.count! / plan.weightTotal;
    const threshold = releaseThreshold(epsilon, 1, 1e-6, 10);
    const a = Math.exp(-epsilon);
    expect(a ** (threshold - 1) / (1 + a)).toBeLessThanOrEqual(1e-6);
    expect(a ** (threshold - 2) / (1 + a)).toBeGreaterThan(1e-6);
    expect(releaseThreshold(10, 1, 0.001, 50)).toBe(50);
    // Among many seeds, a group of one subject is never released.
    for (let i = 0; i < 200; i++) expect(release([group('single', 1)], `seed-${i}`).rows).toEqual([]);
  });

  it('splits ε over every statistic released, quantiles each on their own', () => {
    expect(planStatistics(['count']).statistics).toBe(2);
    expect(planStatistics(['count', 'usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90']).statistics).toBe(5);
    expect(planStatistics(['batteryHealthPctAvg', 'faultRate']).statistics).toBe(2 + 2 + 2);
  });

  it("gives every statistic a share of ε, the shares summing to the query's ε, more to mean sums and upper quantiles", () => {
    const plan = planStatistics(['count', 'share', 'faultRate', 'gradeDistribution', 'usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90']);
    expect(Object.keys(plan.weights).length).toBe(plan.statistics);
    expect(plan.weightTotal).toBe(Object.values(plan.weights).reduce((a, b) => a + b, 0));
    expect(plan.weights['quantile:usageMonthsP90']).toBeGreaterThan(plan.weights['quantile:usageMonthsP50']!);
    expect(plan.weights['sum:usageMonths']).toBeGreaterThan(plan.weights.count!);
  });

  it("does not pick the empty top of the range for a small row's P90 (the plateau of 70 empty months)", () => {
    // 200 subjects used 24–48 months (true P90 ≈ 46); the policy's range runs to 120 months.
    const usage = new Map<number, number>();
    for (let i = 0; i < 200; i++) usage.set(24 + (i % 25), (usage.get(24 + (i % 25)) ?? 0) + 1);
    const row = { ...group('small', 200), histograms: { usageMonths: usage } };
    const p90s: number[] = [];
    for (let i = 0; i < 60; i++) {
      const answer = releaseNoisyAnswer([row], 200, {
        measures: ['count', 'usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90', 'gradeDistribution'],
        settings: SETTINGS,
        minGroupSize: 10,
        key: KEY,
        seed: `p90-${i}`,
      });
      if (answer.rows[0] !== undefined) p90s.push(answer.rows[0].values.usageMonthsP90 as number);
    }
    p90s.sort((a, b) => a - b);
    expect(p90s.length).toBeGreaterThan(50);
    const median = p90s[Math.floor(p90s.length / 2)]!;
    expect(Math.abs(median - 46) / 46).toBeLessThan(0.1);
    expect(p90s.filter((v) => v > 60).length).toBeLessThan(p90s.length / 10);
  });

  it('names the measures whose input the policy leaves unbounded', () => {
    expect(unboundedMeasures(['count', 'residualRatioP50', 'faultRate', 'valuationP50'], { valuationFen: { min: 0, max: 10 } })).toEqual([
      'residualRatioP50',
      'faultRate',
      'valuationP50',
    ]);
  });
});
