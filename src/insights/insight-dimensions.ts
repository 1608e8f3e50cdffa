import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import { co2eAvoidedSql } from './carbon-factors.ts';

/**
 * How each dimension is computed from a record (`r`), its latest inspection (`i`), latest disposition (`d`)
 * and catalogue entry (`cm`). Fixed SQL keyed by the standard vocabulary: request values never reach SQL
 * text, only parameters.
 */
export const DIMENSION_SQL: Readonly<Record<PolicyDimension, string>> = {
  category: 'r.category',
  brand: 'r.brand',
  model: 'r.model',
  province: "substr(r.region_code, 1, 2) || '0000'",
  prefecture: "case when substr(r.region_code, 3, 4) <> '0000' then r.region_code end",
  tradeInMonth: "to_char(r.trade_in_month, 'YYYY-MM')",
  channel: 'r.channel',
  grade: 'i.grade',
  disposition: 'd.disposition',
  ageBand: `case when cm.launch_month is null then null
    when (r.trade_in_month - cm.launch_month) < 365 then '0-1y'
    when (r.trade_in_month - cm.launch_month) < 730 then '1-2y'
    when (r.trade_in_month - cm.launch_month) < 1095 then '2-3y'
    when (r.trade_in_month - cm.launch_month) < 1826 then '3-5y'
    else '5y+' end`,
  usageBand: `case when r.usage_months < 12 then '0-12m' when r.usage_months < 24 then '12-24m'
    when r.usage_months < 36 then '24-36m' when r.usage_months < 60 then '36-60m' else '60m+' end`,
  newPurchaseCategory: 'r.new_purchase_category',
};

/** Which joined tables a request needs: the latest inspection (`i`), latest disposition (`d`), catalogue (`cm`). */
export interface NeededJoins {
  inspection: boolean;
  disposition: boolean;
  catalogue: boolean;
}

const INSPECTION_MEASURES: ReadonlySet<string> = new Set(['batteryHealthPctAvg', 'valuationP50', 'residualRatioP50', 'gradeDistribution', 'faultRate']);
const DISPOSITION_MEASURES: ReadonlySet<string> = new Set(['dispositionShares', 'co2eAvoidedKg']);

/**
 * The joins a request needs. Each "latest inspection/disposition" lookup is one index probe per record,
 * which dominates on millions of rows, so a query that needs neither makes neither.
 */
export function neededJoins(dimensions: readonly string[], measures: readonly string[]): NeededJoins {
  return {
    inspection: dimensions.includes('grade') || measures.some((m) => INSPECTION_MEASURES.has(m)),
    disposition: dimensions.includes('disposition') || measures.some((m) => DISPOSITION_MEASURES.has(m)),
    catalogue: dimensions.includes('ageBand') || measures.includes('residualRatioP50'),
  };
}

/** Per-record inputs the measures aggregate, as columns of the query's working table; null where not joined. */
export function measureInputsSql(joins: NeededJoins): string {
  const valuation = joins.inspection ? 'coalesce(i.final_valuation_fen, r.quoted_valuation_fen)' : 'r.quoted_valuation_fen';
  return `
  r.usage_months::float8 as usage_months,
  ${joins.inspection ? 'i.battery_health_pct::float8' : 'null::float8'} as battery_health_pct,
  ${valuation}::float8 as valuation_fen,
  ${joins.catalogue ? `case when cm.launch_price_fen > 0 then ${valuation}::float8 / cm.launch_price_fen end` : 'null::float8'} as residual_ratio,
  ${joins.inspection ? 'i.grade' : 'null::text'} as grade_value,
  ${joins.inspection ? 'i.faults' : 'null::text[]'} as faults,
  ${joins.inspection ? '(i.record_id is not null)' : 'false'} as inspected,
  ${joins.disposition ? 'd.disposition' : 'null::text'} as disposition_value,
  ${joins.disposition ? `${co2eAvoidedSql()}::float8` : 'null::float8'} as co2e_kg`;
}

/** Scalar measures: one aggregate each over the rows of an output row. */
export const SCALAR_MEASURE_SQL: Partial<Readonly<Record<PolicyMeasure, string>>> = {
  count: 'count(*)',
  usageMonthsAvg: 'avg(b.usage_months)',
  usageMonthsP50: 'percentile_cont(0.5) within group (order by b.usage_months)',
  usageMonthsP90: 'percentile_cont(0.9) within group (order by b.usage_months)',
  batteryHealthPctAvg: 'avg(b.battery_health_pct)',
  valuationP50: 'percentile_cont(0.5) within group (order by b.valuation_fen)',
  residualRatioP50: 'percentile_cont(0.5) within group (order by b.residual_ratio)',
  co2eAvoidedKg: 'sum(b.co2e_kg)',
};

/** Distribution measures: shares of each value among an output row's records (inspected ones for faults). */
export const DISTRIBUTION_MEASURES = ['gradeDistribution', 'faultRate', 'dispositionShares'] as const satisfies readonly PolicyMeasure[];
