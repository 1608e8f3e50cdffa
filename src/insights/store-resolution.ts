import type { DpBound } from '../policy/policy.types.ts';
import type { DpInput } from './dp/dp-measures.ts';

/**
 * How the analytic store keeps each measured input (migration 2026-12-07T17-01-00): its code in
 * `insight_cell_values` and its unit. Values are stored as whole units (floored), so a clamp or bins are
 * exact from the store when the policy's min and bin width are whole multiples of the unit.
 */
export const STORE_INPUTS: Readonly<Record<DpInput, { code: number; unit: number }>> = {
  usageMonths: { code: 1, unit: 1 },
  batteryHealthPct: { code: 2, unit: 1 },
  valuationFen: { code: 3, unit: 1000 },
  residualRatio: { code: 4, unit: 0.0001 },
  co2eKg: { code: 5, unit: 1 },
};

export interface StoreBinning {
  bins: number;
  /** The bound's min and bin width in store units (whole numbers). */
  minUnits: number;
  widthUnits: number;
}

export class StoreResolutionError extends Error {}

/** The policy's histogram in store units; throws when its bins do not align with the store's unit. */
export function storeBinning(input: DpInput, bound: DpBound): StoreBinning {
  const bins = bound.bins!;
  const unit = STORE_INPUTS[input].unit;
  const minUnits = bound.min / unit;
  const widthUnits = (bound.max - bound.min) / bins / unit;
  const whole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9 && Math.round(x) >= 1;
  if (!whole(widthUnits) || Math.abs(minUnits - Math.round(minUnits)) > 1e-9) {
    throw new StoreResolutionError(`the ${input} bins (min ${bound.min}, width ${(bound.max - bound.min) / bins}) are not whole multiples of the store's unit ${unit}`);
  }
  return { bins, minUnits: Math.round(minUnits), widthUnits: Math.round(widthUnits) };
}
