import { describe, expect, it } from 'vitest';
import { VALUATION_STANDARD } from '../../src/valuation/published-standard.ts';
import { ageBandOf, formulaValueFen, valuationStandardProblems, type ValuationStandard } from '../../src/valuation/valuation-standard.ts';

const phone = { category: 'mobile_phone', launchPriceFen: 500_000, grade: 'B', ageMonths: 24 };

describe('the published valuation standard', () => {
  it('is valid against the document vocabularies', () => {
    expect(valuationStandardProblems(VALUATION_STANDARD)).toEqual([]);
  });

  it('is refused with a missing grade, an unknown fault or category, or a factor out of range', () => {
    const broken = structuredClone(VALUATION_STANDARD) as ValuationStandard;
    delete broken.grades.X;
    broken.faultDeductions['made_up_fault'] = { deductionBp: 100 };
    broken.residualCurves['spaceship'] = { retentionPerMonthBp: 9000, floorBp: 100 };
    broken.grades.A!.factorBp = 12_000;
    expect(valuationStandardProblems(broken)).toEqual([
      'grades must define exactly A, B, C, D, E, X',
      'each grade factorBp must be 0–10000',
      'residualCurves must name categories of the standard or default',
      'faultDeductions must name fault codes of the standard',
    ]);
  });
});

describe('formulaValueFen', () => {
  it('is launch price × retention^age × grade factor, rounded to the fen', () => {
    // 500,000 × 0.97^24 (0.48142…) × 0.85 = 204,602.3
    expect(formulaValueFen(VALUATION_STANDARD, phone)).toBe(204_602);
  });

  it('deducts each fault once as a share of the launch price', () => {
    expect(formulaValueFen(VALUATION_STANDARD, { ...phone, faults: ['glass_cracked', 'glass_cracked'] })).toBe(204_602 - 60_000);
  });

  it('stops at the curve floor and never goes below zero', () => {
    expect(formulaValueFen(VALUATION_STANDARD, { ...phone, grade: 'A', ageMonths: 200 })).toBe(25_000);
    expect(
      formulaValueFen(VALUATION_STANDARD, { category: 'refrigerator', launchPriceFen: 500_000, grade: 'X', ageMonths: 300, faults: ['compressor_fault'] }),
    ).toBe(0);
  });

  it('refuses a grade outside the standard', () => {
    expect(() => formulaValueFen(VALUATION_STANDARD, { ...phone, grade: 'Z' })).toThrow(RangeError);
  });
});

describe('ageBandOf', () => {
  it('puts an age in its band', () => {
    expect(ageBandOf(0, 6)).toEqual({ from: 0, to: 5 });
    expect(ageBandOf(23, 6)).toEqual({ from: 18, to: 23 });
    expect(ageBandOf(24, 6)).toEqual({ from: 24, to: 29 });
  });
});
