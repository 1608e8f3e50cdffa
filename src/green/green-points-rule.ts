import { CARBON_FACTOR_SET } from '../insights/carbon-factors.ts';

/**
 * The green-points rule, pure: which dispositions are verified, and how many points a verified device's
 * kg CO2e earns. The database trigger of migration 2026-12-07T17-06-00_green-points applies it (frozen
 * there as literals); test/green/green-points-database.test.ts checks the two agree case by case.
 *
 * Model (seed 002, 绿色积分): points proportional to the verified environmental benefit of what the user
 * did — here the CO2e their traded-in device avoided, computed by the hub's carbon factors — kept in the
 * user's own points ledger, never converted to money by the hub.
 */
export const GREEN_POINTS_RULE = {
  version: 'green-points-2026.1',
  /** Published rate: 10 points per kg CO2e avoided (1 point = 100 g). */
  pointsPerKg: 10,
  /** The carbon factor set the kg come from (src/insights/carbon-factors.ts). */
  factorSet: CARBON_FACTOR_SET,
} as const;

/** What the registry says about the firm that recorded a disposition (absent: not registered). */
export interface FirmStanding {
  status: string;
  capacities: readonly string[];
  /** `YYYY-MM-DD`, or null without a licence. */
  licenceValidUntil: string | null;
}

/**
 * Whether a disposition counts as verified: it is final (not `pending`) and its recycler is an active
 * registered firm that may do it — dismantling needs the dismantler capacity with the licence (the WEEE
 * treatment licence) valid in the completion month; resale, refurbishment and parts harvesting need the
 * recycler capacity or such a licensed dismantler. The document's own `processorLicensed` claim is not
 * evidence and is not read. `completedMonth` is `YYYY-MM`.
 */
export function isVerifiedDisposition(disposition: string, completedMonth: string, firm: FirmStanding | undefined): boolean {
  if (disposition === 'pending' || firm === undefined || firm.status !== 'active') return false;
  const licensedDismantler = firm.capacities.includes('dismantler') && firm.licenceValidUntil !== null && firm.licenceValidUntil >= `${completedMonth}-01`;
  if (disposition === 'dismantled_recycled') return licensedDismantler;
  return firm.capacities.includes('recycler') || licensedDismantler;
}

/** kg CO2e as published: rounded to the gram (3 decimals), half away from zero. */
export function publishedKg(kg: number): number {
  return (Math.sign(kg) * Math.round(Math.abs(kg) * 1000 + 1e-9)) / 1000;
}

/** Points for a verified device: round(published kg × points per kg), half away from zero; never negative. */
export function greenPointsFor(co2eKg: number): number {
  if (!Number.isFinite(co2eKg) || co2eKg <= 0) return 0;
  return Math.round(publishedKg(co2eKg) * GREEN_POINTS_RULE.pointsPerKg + 1e-9);
}
