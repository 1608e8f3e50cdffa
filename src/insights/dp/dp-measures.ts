import type { PolicyMeasure } from '../../policy/policy-vocabulary.ts';
import type { DpBounds } from '../../policy/policy.types.ts';

/** The per-record inputs that released measures clamp and aggregate. */
export type DpInput = 'usageMonths' | 'batteryHealthPct' | 'valuationFen' | 'residualRatio' | 'co2eKg';
export type DistributionMeasure = 'gradeDistribution' | 'faultRate' | 'dispositionShares';

/** How each measure is released under differential privacy, from which bounded input. */
export type DpMeasureForm =
  | { kind: 'count' }
  | { kind: 'share' }
  | { kind: 'mean'; input: 'usageMonths' | 'batteryHealthPct' }
  | { kind: 'sum'; input: 'co2eKg' }
  | { kind: 'quantile'; input: 'usageMonths' | 'valuationFen' | 'residualRatio'; q: number }
  | { kind: 'distribution'; measure: DistributionMeasure }
  /** Traded in → inspected → disposed: the row count and two more noisy counts, post-processed monotone. */
  | { kind: 'funnel' };

export const DP_MEASURE_FORMS: Readonly<Record<PolicyMeasure, DpMeasureForm>> = {
  count: { kind: 'count' },
  share: { kind: 'share' },
  usageMonthsAvg: { kind: 'mean', input: 'usageMonths' },
  usageMonthsP50: { kind: 'quantile', input: 'usageMonths', q: 0.5 },
  usageMonthsP90: { kind: 'quantile', input: 'usageMonths', q: 0.9 },
  batteryHealthPctAvg: { kind: 'mean', input: 'batteryHealthPct' },
  valuationP50: { kind: 'quantile', input: 'valuationFen', q: 0.5 },
  residualRatioP50: { kind: 'quantile', input: 'residualRatio', q: 0.5 },
  co2eAvoidedKg: { kind: 'sum', input: 'co2eKg' },
  gradeDistribution: { kind: 'distribution', measure: 'gradeDistribution' },
  faultRate: { kind: 'distribution', measure: 'faultRate' },
  dispositionShares: { kind: 'distribution', measure: 'dispositionShares' },
  recoveryFunnel: { kind: 'funnel' },
};

/**
 * The noisy statistics one request releases, each drawing its own share of ε (sequential composition):
 * the row counts (always: they select the rows), the total behind the "rows withheld" note, one sum per
 * mean or total, one count per mean over a value not every record has, one noisy choice per quantile, one
 * histogram per distribution, the inspected count (dividing fault rates, or a funnel's second stage; one
 * noisy count serves both) and the disposed count (a funnel's third stage).
 */
export interface DpPlan {
  sums: DpInput[];
  /** Means whose denominator is its own noisy count (values only some records have). */
  presentCounts: DpInput[];
  histograms: ('usageMonths' | 'valuationFen' | 'residualRatio')[];
  /** Each quantile is its own noisy choice, so its own share of ε, even where two read one histogram. */
  quantiles: number;
  distributions: DistributionMeasure[];
  /** Whether the noisy inspected count is released (fault rates' denominator, a funnel's stage). */
  inspectedCount: boolean;
  /** Whether the noisy disposed count is released (a funnel's last stage). */
  disposedCount: boolean;
  statistics: number;
  /**
   * Each statistic's share of the query's ε, as integer weights (statistic name → weight; quantiles by
   * measure). The shares sum to ε (sequential composition), however they are split; they are uneven so
   * the statistics that need it most get more: a mean's clamped sum and an upper quantile (whose tail
   * holds few records) get twice a count's weight, the total behind the "withheld" note half of it.
   */
  weights: Record<string, number>;
  weightTotal: number;
}

/** Statistic weights (see DpPlan.weights): integers, so each share of ε stays an exact ratio. */
const WEIGHT = { count: 2, total: 1, sum: 2, meanSum: 4, present: 2, quantile: 2, upperQuantile: 4, distribution: 2, stage: 2 } as const;

export function planStatistics(measures: readonly PolicyMeasure[]): DpPlan {
  const sums = new Set<DpInput>();
  const presentCounts = new Set<DpInput>();
  const histograms = new Set<'usageMonths' | 'valuationFen' | 'residualRatio'>();
  const distributions = new Set<DistributionMeasure>();
  for (const measure of measures) {
    const form = DP_MEASURE_FORMS[measure];
    if (form.kind === 'mean' || form.kind === 'sum') sums.add(form.input);
    if (form.kind === 'mean' && form.input === 'batteryHealthPct') presentCounts.add(form.input);
    if (form.kind === 'quantile') histograms.add(form.input);
    if (form.kind === 'distribution') distributions.add(form.measure);
  }
  const quantiles = measures.filter((m) => DP_MEASURE_FORMS[m].kind === 'quantile').length;
  const funnel = measures.some((m) => DP_MEASURE_FORMS[m].kind === 'funnel');
  const inspectedCount = distributions.has('faultRate') || funnel;
  const weights: Record<string, number> = { count: WEIGHT.count, total: WEIGHT.total };
  for (const input of sums)
    weights[`sum:${input}`] = measures.some((m) => DP_MEASURE_FORMS[m].kind === 'mean' && (DP_MEASURE_FORMS[m] as { input: string }).input === input)
      ? WEIGHT.meanSum
      : WEIGHT.sum;
  for (const input of presentCounts) weights[`present:${input}`] = WEIGHT.present;
  for (const measure of new Set(measures)) {
    const form = DP_MEASURE_FORMS[measure];
    if (form.kind === 'quantile') weights[`quantile:${measure}`] = form.q > 0.5 ? WEIGHT.upperQuantile : WEIGHT.quantile;
  }
  for (const measure of distributions) weights[`distribution:${measure}`] = WEIGHT.distribution;
  if (inspectedCount) weights.inspected = WEIGHT.stage;
  if (funnel) weights.disposed = WEIGHT.stage;
  return {
    sums: [...sums],
    presentCounts: [...presentCounts],
    histograms: [...histograms],
    quantiles,
    distributions: [...distributions],
    inspectedCount,
    disposedCount: funnel,
    statistics: 2 + sums.size + presentCounts.size + quantiles + distributions.size + (inspectedCount ? 1 : 0) + (funnel ? 1 : 0),
    weights,
    weightTotal: Object.values(weights).reduce((a, b) => a + b, 0),
  };
}

/** Measures whose input the policy declares no bound for: they cannot be released with finite sensitivity. */
export function unboundedMeasures(measures: readonly PolicyMeasure[], bounds: DpBounds): PolicyMeasure[] {
  return measures.filter((measure) => {
    const form = DP_MEASURE_FORMS[measure];
    if (form.kind === 'mean' || form.kind === 'sum') return bounds[form.input] === undefined;
    if (form.kind === 'quantile') return bounds[form.input]?.bins === undefined;
    if (form.kind === 'distribution' && form.measure === 'faultRate') return bounds.faultsPerRecord === undefined;
    return false;
  });
}
