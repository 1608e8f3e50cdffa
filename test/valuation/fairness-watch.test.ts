import { describe, expect, it } from 'vitest';
import { valuationFairness, type QuotedDevice } from '../../src/valuation/fairness-watch.ts';
import { VALUATION_STANDARD } from '../../src/valuation/published-standard.ts';
import { formulaValueFen } from '../../src/valuation/valuation-standard.ts';

const base = { category: 'mobile_phone', launchPriceFen: 500_000, ageMonths: 24, grade: 'B', faults: [] as string[] };
const reference = formulaValueFen(VALUATION_STANDARD, base); // 204,602 fen
/** `n` devices of a platform and month, each quoted at `ratio` of the reference. */
const quotes = (platformId: string, month: string, n: number, ratio: number): QuotedDevice[] =>
  Array.from({ length: n }, () => ({ ...base, platformId, month, quotedValuationFen: Math.round(reference * ratio) }));

describe('valuationFairness', () => {
  it('gives the median ratio and the share below 80% per platform and month', () => {
    const watch = valuationFairness(VALUATION_STANDARD, [...quotes('p', '2026-01', 3, 0.7), ...quotes('p', '2026-01', 2, 1)], 5);
    expect(watch.cells).toEqual([{ platformId: 'p', month: '2026-01', devices: 5, medianRatioBp: 7000, shareBelowBp: 6000 }]);
  });

  it('withholds a platform-month below k (below k)', () => {
    expect(valuationFairness(VALUATION_STANDARD, quotes('p', '2026-01', 4, 0.5), 5)).toEqual({ cells: [], withheldCells: 1, flaggedPlatforms: [] });
  });

  it('flags three consecutive low months, not three low months with a gap or a fair platform', () => {
    const devices = [
      ...['2025-12', '2026-01', '2026-02'].flatMap((m) => quotes('low', m, 5, 0.6)),
      ...['2025-10', '2025-12', '2026-02'].flatMap((m) => quotes('gappy', m, 5, 0.6)),
      ...['2025-12', '2026-01', '2026-02'].flatMap((m) => quotes('fair', m, 5, 0.95)),
    ];
    expect(valuationFairness(VALUATION_STANDARD, devices, 5).flaggedPlatforms).toEqual(['low']);
  });

  it('leaves out devices whose reference is zero', () => {
    const scrap = { ...base, grade: 'X', ageMonths: 300, faults: ['water_damage_ldi_tripped', 'display_lines', 'touch_fault'] };
    expect(formulaValueFen(VALUATION_STANDARD, scrap)).toBe(0);
    expect(
      valuationFairness(
        VALUATION_STANDARD,
        Array.from({ length: 5 }, () => ({ ...scrap, platformId: 'p', month: '2026-01', quotedValuationFen: 100 })),
        5,
      ).cells,
    ).toEqual([]);
  });
});
