import type { PolicyDimension, PolicyMeasure } from '../../policy/policy-vocabulary.ts';
import type { PurposeTerms } from '../shared/purpose-terms.ts';

/** The charts of the dashboard and what each needs from the purpose's policy. */
export const CHARTS = [
  { id: 'residual', measures: ['residualRatioP50'], dimensions: ['ageBand', 'grade'] },
  { id: 'faults', measures: ['faultRate'], dimensions: [] },
  { id: 'grades', measures: ['gradeDistribution'], dimensions: [] },
  { id: 'usage', measures: ['usageMonthsAvg', 'usageMonthsP50', 'usageMonthsP90'], dimensions: [] },
  { id: 'dispositions', measures: ['dispositionShares'], dimensions: [] },
  { id: 'co2e', measures: ['co2eAvoidedKg'], dimensions: [] },
] as const satisfies readonly { id: string; measures: readonly PolicyMeasure[]; dimensions: readonly PolicyDimension[] }[];
export type ChartId = (typeof CHARTS)[number]['id'];

export type ChartAvailability =
  | { available: true; measures: PolicyMeasure[] }
  | { available: false; reason: 'measure_not_allowed' | 'measure_not_releasable' | 'dimension_not_allowed'; missing: string[] };

/**
 * Whether a chart can be drawn under a purpose: its dimensions must be allowed, and at least one of its
 * measures allowed and releasable (differential privacy cannot release percentiles). Said in advance, so a
 * chart the policy does not allow explains itself instead of sending a query that would be refused.
 */
export function chartAvailability(chartId: ChartId, terms: PurposeTerms): ChartAvailability {
  const chart = CHARTS.find((c) => c.id === chartId)!;
  const missingDimensions = chart.dimensions.filter((d) => !terms.dimensions.includes(d));
  if (missingDimensions.length > 0) return { available: false, reason: 'dimension_not_allowed', missing: missingDimensions };
  const allowed = chart.measures.filter((m) => terms.measures.includes(m));
  if (allowed.length === 0) return { available: false, reason: 'measure_not_allowed', missing: [...chart.measures] };
  const releasable = allowed.filter((m) => terms.releasableMeasures.includes(m));
  if (releasable.length === 0) return { available: false, reason: 'measure_not_releasable', missing: allowed };
  return { available: true, measures: releasable };
}

/** The dimensions the dashboard offers to compare by, in this order, where the purpose allows them. */
export const COMPARE_DIMENSIONS = [
  'model',
  'brand',
  'category',
  'province',
  'tradeInMonth',
  'channel',
  'grade',
  'disposition',
  'ageBand',
  'usageBand',
] as const satisfies readonly PolicyDimension[];

/** A query the dashboard sends: the groups behind most charts, or the residual curve. */
export interface PlannedQuery {
  id: 'groups' | 'residual';
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
}

/**
 * The one query a click on "run" sends: every chart grouped by the compared dimension shares it (one ε
 * charge under differential privacy, one price).
 */
export function planGroupsQuery(terms: PurposeTerms, compareBy: PolicyDimension): PlannedQuery {
  const releasable = (m: PolicyMeasure) => terms.releasableMeasures.includes(m);
  const measures: PolicyMeasure[] = (['count', 'share'] as PolicyMeasure[]).filter(releasable);
  for (const chart of CHARTS) {
    if (chart.id === 'residual') continue;
    const availability = chartAvailability(chart.id, terms);
    if (availability.available) measures.push(...availability.measures);
  }
  return { id: 'groups', groupBy: [compareBy], measures };
}

/**
 * The residual curve's own query, grouped by age and grade — sent only when the user opens that chart, so
 * a click that changes a filter costs one query of the monthly budget, not two. Null where the purpose
 * does not allow the curve.
 */
export function planResidualQuery(terms: PurposeTerms): PlannedQuery | null {
  if (!chartAvailability('residual', terms).available) return null;
  const count: PolicyMeasure[] = terms.releasableMeasures.includes('count') ? ['count'] : [];
  return { id: 'residual', groupBy: ['ageBand', 'grade'], measures: ['residualRatioP50', ...count] };
}

/** Splits a list typed into a filter box on commas (ASCII or Chinese) and 、. */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、;；\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
