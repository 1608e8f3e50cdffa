import { describe, expect, it } from 'vitest';
import { GREEN_POINTS_RULE, greenPointsFor, isVerifiedDisposition, publishedKg } from '../../src/green/green-points-rule.ts';
import { CARBON_FACTOR_SET } from '../../src/insights/carbon-factors.ts';

const recycler = { status: 'active', capacities: ['recycler'], licenceValidUntil: null };
const dismantler = { status: 'active', capacities: ['dismantler'], licenceValidUntil: '2026-11-30' };

describe('isVerifiedDisposition', () => {
  it('verifies resale, refurbishment and parts harvesting by an active recycler', () => {
    for (const disposition of ['resold_as_is', 'refurbished', 'parts_harvested']) expect(isVerifiedDisposition(disposition, '2026-11', recycler)).toBe(true);
  });

  it('does not verify a pending disposition, an unregistered firm or one not active', () => {
    expect(isVerifiedDisposition('pending', '2026-11', recycler)).toBe(false);
    expect(isVerifiedDisposition('refurbished', '2026-11', undefined)).toBe(false);
    for (const status of ['pending', 'suspended', 'withdrawn']) expect(isVerifiedDisposition('refurbished', '2026-11', { ...recycler, status })).toBe(false);
  });

  it('verifies dismantling only by a dismantler whose licence is valid in the completion month', () => {
    expect(isVerifiedDisposition('dismantled_recycled', '2026-11', dismantler)).toBe(true);
    expect(isVerifiedDisposition('dismantled_recycled', '2026-12', dismantler)).toBe(false);
    expect(isVerifiedDisposition('dismantled_recycled', '2026-11', recycler)).toBe(false);
    expect(isVerifiedDisposition('dismantled_recycled', '2026-11', { ...dismantler, licenceValidUntil: null })).toBe(false);
  });

  it('lets a licensed dismantler resell, and not once its licence has lapsed', () => {
    expect(isVerifiedDisposition('resold_as_is', '2026-11', dismantler)).toBe(true);
    expect(isVerifiedDisposition('resold_as_is', '2027-01', dismantler)).toBe(false);
  });
});

describe('greenPointsFor', () => {
  it('gives 10 points per kg CO2e of the carbon factor set, rounded half up', () => {
    expect(GREEN_POINTS_RULE).toEqual({ version: 'green-points-2026.1', pointsPerKg: 10, factorSet: CARBON_FACTOR_SET });
    expect(greenPointsFor(49.2)).toBe(492);
    expect(greenPointsFor(0.846)).toBe(8);
    expect(greenPointsFor(0.85)).toBe(9);
    expect(greenPointsFor(214.03)).toBe(2140);
  });

  it('rounds on the published kg (grams), so points follow the figure the user sees', () => {
    expect(publishedKg(0.94)).toBe(0.94);
    expect(publishedKg(1.0004999)).toBe(1);
    expect(greenPointsFor(0.04999)).toBe(1); // 0.050 kg published → 0.5 → 1
  });

  it('gives nothing for no CO2e', () => {
    expect(greenPointsFor(0)).toBe(0);
    expect(greenPointsFor(-3)).toBe(0);
    expect(greenPointsFor(Number.NaN)).toBe(0);
  });
});
