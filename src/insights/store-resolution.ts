import type { RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension } from '../policy/policy-vocabulary.ts';
import type { DpBound, DpBounds } from '../policy/policy.types.ts';
import type { DpInput, DpPlan } from './dp/dp-measures.ts';

/**
 * How the analytic store keeps each measured input: its code in `insight_cell_values` /
 * `insight_rollup_values` and its unit in the cells (migration 2026-12-07T17-01-00) and in the rollups
 * (2026-12-07T20-01-00). Values are stored as whole units (floored), so a clamp or bins are exact from a
 * table when the policy's min and bin width are whole multiples of its unit. The rollups keep valuation and
 * residual ratio coarser (only quantiles read them; 2,000 fen and 0.005 divide every shipped policy's bins);
 * inputs that means sum keep the cells' unit, so clamped sums stay exact.
 */
export const STORE_INPUTS: Readonly<Record<DpInput, { code: number; unit: number; rollupUnit: number }>> = {
  usageMonths: { code: 1, unit: 1, rollupUnit: 1 },
  batteryHealthPct: { code: 2, unit: 1, rollupUnit: 1 },
  valuationFen: { code: 3, unit: 1000, rollupUnit: 2000 },
  residualRatio: { code: 4, unit: 0.0001, rollupUnit: 0.005 },
  co2eKg: { code: 5, unit: 1, rollupUnit: 1 },
};

/**
 * The rollup grains (migration 2026-12-07T20-01-00, its GRAINS), smallest first: the dimensions each
 * answers exactly. Every grain keeps category, brand and model.
 */
export const STORE_GRAINS: readonly { grain: number; dimensions: readonly PolicyDimension[] }[] = [
  { grain: 1, dimensions: ['category', 'brand', 'model'] },
  { grain: 2, dimensions: ['category', 'brand', 'model', 'province'] },
  { grain: 3, dimensions: ['category', 'brand', 'model', 'ageBand', 'grade'] },
  { grain: 4, dimensions: ['category', 'brand', 'model', 'tradeInMonth'] },
];

/** Where a request is read from: one rollup grain, or the full cells. */
export type StoreSource = { kind: 'rollup'; grain: number } | { kind: 'cells' };

export interface StoreBinning {
  bins: number;
  /** The bound's min and bin width in the source's units (whole numbers). */
  minUnits: number;
  widthUnits: number;
}

export class StoreResolutionError extends Error {}

function binningAt(input: DpInput, bound: DpBound, unit: number): StoreBinning | undefined {
  const bins = bound.bins!;
  const minUnits = bound.min / unit;
  const widthUnits = (bound.max - bound.min) / bins / unit;
  const whole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9;
  if (!whole(widthUnits) || Math.round(widthUnits) < 1 || !whole(minUnits)) return undefined;
  return { bins, minUnits: Math.round(minUnits), widthUnits: Math.round(widthUnits) };
}

/** The policy's histogram in the source's units; throws when its bins do not align with that unit. */
export function storeBinning(input: DpInput, bound: DpBound, source: StoreSource = { kind: 'cells' }): StoreBinning {
  const unit = source.kind === 'cells' ? STORE_INPUTS[input].unit : STORE_INPUTS[input].rollupUnit;
  const binning = binningAt(input, bound, unit);
  if (binning === undefined) {
    throw new StoreResolutionError(
      `the ${input} bins (min ${bound.min}, width ${(bound.max - bound.min) / bound.bins!}) are not whole multiples of the store's unit ${unit}`,
    );
  }
  return binning;
}

/** The dimensions a request reads: what it groups by and what it filters on (a month range needs the month). */
export function requestDimensions(groupBy: readonly PolicyDimension[], filters: RequestFilters): Set<PolicyDimension> {
  const needed = new Set<PolicyDimension>(groupBy);
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    if (name === 'tradeInMonthFrom' || name === 'tradeInMonthTo') needed.add('tradeInMonth');
    else needed.add(name as PolicyDimension);
  }
  return needed;
}

/** Whether one source answers the request exactly: it holds every dimension read, and the histograms align. */
export function sourceServes(source: StoreSource, dimensions: ReadonlySet<PolicyDimension>, plan: DpPlan, bounds: DpBounds): boolean {
  if (source.kind === 'cells') return true;
  const grain = STORE_GRAINS.find((g) => g.grain === source.grain);
  if (grain === undefined || ![...dimensions].every((d) => grain.dimensions.includes(d))) return false;
  return plan.histograms.every((input) => binningAt(input, bounds[input]!, STORE_INPUTS[input].rollupUnit) !== undefined);
}

/** The smallest grain that answers the request exactly, else the full cells. */
export function chooseStoreSource(groupBy: readonly PolicyDimension[], filters: RequestFilters, plan: DpPlan, bounds: DpBounds): StoreSource {
  const dimensions = requestDimensions(groupBy, filters);
  for (const { grain } of STORE_GRAINS) {
    const source: StoreSource = { kind: 'rollup', grain };
    if (sourceServes(source, dimensions, plan, bounds)) return source;
  }
  return { kind: 'cells' };
}
