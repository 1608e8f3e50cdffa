import { randomBytes } from 'node:crypto';

/**
 * A uniform draw in the open interval (0, 1) from the operating system's cryptographic source: 53 random
 * bits, so every double in the grid is equally likely and the extremes 0 and 1 never occur.
 */
export function cryptoUniform(): number {
  const bytes = randomBytes(8);
  const high = bytes.readUInt32BE(0) >>> 5; // 27 bits
  const low = bytes.readUInt32BE(4) >>> 6; // 26 bits
  return (high * 67108864 + low + 0.5) / 9007199254740992;
}

/**
 * One draw of Laplace(0, scale) noise by inverse transform of a cryptographic uniform (never Math.random:
 * predictable noise can be subtracted). `scale` = sensitivity / ε.
 */
export function laplaceNoise(scale: number, uniform: () => number = cryptoUniform): number {
  if (!(scale > 0)) throw new RangeError('laplace scale must be positive');
  const u = uniform() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/**
 * Splits one query's ε evenly over the statistics it releases (sequential composition): releasing m noisy
 * histograms from the same rows costs the sum of their ε, so each gets ε / m.
 */
export function epsilonPerStatistic(epsilonPerQuery: number, statistics: number): number {
  if (statistics < 1) throw new RangeError('a query releases at least one statistic');
  return epsilonPerQuery / statistics;
}

/** Measures the hub can release under differential privacy, with each subject's contribution bounded. */
export const DP_MEASURES = ['count', 'share', 'gradeDistribution', 'dispositionShares', 'co2eAvoidedKg', 'batteryHealthPctAvg'] as const;

/** Per-subject bounds: each subject contributes one record, and these caps to the sums. */
export const DP_BOUNDS = {
  /** kg CO2e one device can add to a sum (a dismantled appliance with its refrigerant stays under it). */
  co2eKg: 2500,
  /** battery health is a percentage. */
  batteryHealthPct: 100,
} as const;

/** Noisy counts are released as whole numbers, never below zero (post-processing keeps the guarantee). */
export function releaseCount(trueCount: number, scale: number, uniform?: () => number): number {
  return Math.max(0, Math.round(trueCount + laplaceNoise(scale, uniform)));
}
