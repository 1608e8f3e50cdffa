import { describe, expect, it } from 'vitest';
import { planStatistics } from '../../../src/insights/dp/dp-measures.ts';
import { monotoneFunnel } from '../../../src/insights/dp/recovery-funnel.ts';
import { releaseNoisyAnswer, type GroupStatistics } from '../../../src/insights/dp/release-noisy-answer.ts';
import type { DifferentialPrivacySettings } from '../../../src/policy/policy.types.ts';

const KEY = Buffer.alloc(32, 7);
const SETTINGS: DifferentialPrivacySettings = { epsilonPerQuery: 1, monthlyBudget: 100, recordsPerSubject: 1, selectionDelta: 1e-6, bounds: {} };

function group(name: string, records: number, inspected: number, disposed: number): GroupStatistics {
  return { keys: [name], records, inspected, disposed, sums: {}, present: {}, histograms: {}, distributions: {} };
}

describe('monotoneFunnel', () => {
  it('leaves an already monotone funnel alone and derives the rate from it', () => {
    expect(monotoneFunnel(100, 80, 60)).toEqual({ tradedIn: 100, inspected: 80, disposed: 60, recoveryRate: 0.6 });
  });

  it('pools disposed above inspected to their mean instead of clamping one to the other', () => {
    expect(monotoneFunnel(100, 70, 74)).toEqual({ tradedIn: 100, inspected: 72, disposed: 72, recoveryRate: 0.72 });
  });

  it('keeps every stage within [0, the stage before] and the rate within [0, 1]', () => {
    expect(monotoneFunnel(50, 57, 55)).toEqual({ tradedIn: 50, inspected: 50, disposed: 50, recoveryRate: 1 });
    expect(monotoneFunnel(50, -3, -8)).toEqual({ tradedIn: 50, inspected: 0, disposed: 0, recoveryRate: 0 });
    expect(monotoneFunnel(50, 20, -2)).toEqual({ tradedIn: 50, inspected: 20, disposed: 0, recoveryRate: 0 });
    expect(monotoneFunnel(0, 3, 1).recoveryRate).toBeNull();
  });

  it('holds the order for any noise', () => {
    for (let t = 0; t < 30; t += 3) {
      for (let i = -10; i < 40; i += 7) {
        for (let d = -10; d < 40; d += 5) {
          const f = monotoneFunnel(t, i, d);
          expect(f.disposed).toBeGreaterThanOrEqual(0);
          expect(f.disposed).toBeLessThanOrEqual(f.inspected);
          expect(f.inspected).toBeLessThanOrEqual(f.tradedIn);
          if (f.recoveryRate !== null) expect(f.recoveryRate).toBeGreaterThanOrEqual(0);
          if (f.recoveryRate !== null) expect(f.recoveryRate).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});

describe('recoveryFunnel under differential privacy', () => {
  const release = (groups: GroupStatistics[], measures: ('count' | 'recoveryFunnel' | 'faultRate')[], seed: string) =>
    releaseNoisyAnswer(
      groups,
      groups.reduce((s, g) => s + g.records, 0),
      { measures, settings: { ...SETTINGS, bounds: { faultsPerRecord: 3 } }, minGroupSize: 10, key: KEY, seed },
    );

  it('spends two statistics beyond the row counts, sharing the inspected count with fault rates', () => {
    expect(planStatistics(['recoveryFunnel']).statistics).toBe(2 + 2);
    expect(planStatistics(['faultRate', 'recoveryFunnel']).statistics).toBe(2 + 1 + 2);
  });

  it('releases a monotone funnel close to the truth whose first stage is the row count', () => {
    const answer = release([group('big', 5000, 4000, 3000)], ['count', 'recoveryFunnel'], 'funnel');
    const values = answer.rows[0]!.values;
    const funnel = values.recoveryFunnel as Record<string, number>;
    expect(funnel.tradedIn).toBe(values.count);
    expect(Math.abs(funnel.inspected! - 4000) / 4000).toBeLessThan(0.02);
    expect(Math.abs(funnel.disposed! - 3000) / 3000).toBeLessThan(0.02);
    expect(funnel.recoveryRate).toBeCloseTo(funnel.disposed! / funnel.tradedIn!, 12);
    expect(Math.abs(funnel.recoveryRate! - 0.6)).toBeLessThan(0.02);
  });

  it('stays monotone where every device was inspected and disposed, over many seeds, and is repeatable', () => {
    const groups = [group('all', 30, 30, 30)];
    for (let i = 0; i < 100; i++) {
      const funnel = release(groups, ['recoveryFunnel'], `seed-${i}`).rows[0]?.values.recoveryFunnel as Record<string, number> | undefined;
      if (funnel === undefined) continue;
      expect(funnel.disposed).toBeLessThanOrEqual(funnel.inspected!);
      expect(funnel.inspected).toBeLessThanOrEqual(funnel.tradedIn!);
      expect(funnel.recoveryRate).toBeLessThanOrEqual(1);
    }
    expect(release(groups, ['recoveryFunnel'], 'x')).toEqual(release(groups, ['recoveryFunnel'], 'x'));
  });
});
