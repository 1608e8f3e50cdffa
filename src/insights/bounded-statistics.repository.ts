import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { DpBound, DpBounds } from '../policy/policy.types.ts';
import type { DistributionMeasure, DpInput, DpPlan } from './dp/dp-measures.ts';
import type { GroupStatistics } from './dp/release-noisy-answer.ts';

/** The working table's column for each bounded input. */
const INPUT_COLUMN: Readonly<Record<DpInput, string>> = {
  usageMonths: 'b.usage_months',
  batteryHealthPct: 'b.battery_health_pct',
  valuationFen: 'b.valuation_fen',
  residualRatio: 'b.residual_ratio',
  co2eKg: 'b.co2e_kg',
};

const DISTRIBUTION_COLUMN: Readonly<Record<Exclude<DistributionMeasure, 'faultRate'>, string>> = {
  gradeDistribution: 'b.grade_value',
  dispositionShares: 'b.disposition_value',
};

/** A value clamped to its bound and rounded to whole units: every record adds at most `max` to a sum. */
function clampedUnits(input: DpInput, bound: DpBound): string {
  return `least(greatest(round(${INPUT_COLUMN[input]}), ${bound.min}), ${Math.floor(bound.max)})`;
}

/** The bin of a clamped value among `bins` equal bins over [min, max]. */
function binOf(input: DpInput, bound: DpBound): string {
  const bins = bound.bins!;
  const width = (bound.max - bound.min) / bins;
  return `least(greatest(floor((${INPUT_COLUMN[input]} - ${bound.min}) / ${width}), 0), ${bins - 1})::int`;
}

export interface BoundedGroup extends GroupStatistics {
  /** The working table's group key, to mark released groups for billing. */
  gkey: string;
}

/**
 * Reads the exact statistics the DP step needs from the query's working table `insight_base` (already
 * bounded to the policy's records per subject): per group, the record count, clamped sums, the count of
 * records having each averaged value, quantile histograms and distribution counts. Constant SQL text
 * built from the policy's numbers and fixed column names; no request value reaches it.
 */
export async function readBoundedStatistics(tx: DbOrTx, keyCount: number, plan: DpPlan, bounds: DpBounds): Promise<BoundedGroup[]> {
  const keyColumns = Array.from({ length: keyCount }, (_, i) => `b.g${i}`);
  const keySelect = keyColumns.length === 0 ? '' : `, ${keyColumns.join(', ')}`;
  const groupBy = ['b.gkey', ...keyColumns].join(', ');
  const sums = plan.sums.map((input) => `, coalesce(sum(${clampedUnits(input, bounds[input]!)}), 0)::float8 as "sum_${input}"`).join('');
  const present = plan.presentCounts.map((input) => `, count(${INPUT_COLUMN[input]})::int as "present_${input}"`).join('');
  const { rows } = await sql<Record<string, unknown>>`
    select b.gkey ${sql.raw(keySelect)}, count(*)::int as records, (count(*) filter (where b.inspected))::int as inspected
      ${sql.raw(sums)} ${sql.raw(present)}
    from insight_base b group by ${sql.raw(groupBy)}`.execute(tx);

  const groups = new Map<string, BoundedGroup>();
  for (const row of rows) {
    const gkey = String(row.gkey);
    groups.set(gkey, {
      gkey,
      keys: Array.from({ length: keyCount }, (_, i) => (row[`g${i}`] as string | null) ?? null),
      records: Number(row.records),
      inspected: Number(row.inspected),
      sums: Object.fromEntries(plan.sums.map((input) => [input, Number(row[`sum_${input}`])])),
      present: Object.fromEntries(plan.presentCounts.map((input) => [input, Number(row[`present_${input}`])])),
      histograms: {},
      distributions: {},
    });
  }
  for (const input of plan.histograms) {
    const { rows: bins } = await sql<{ gkey: string; bin: number; n: number }>`
      select b.gkey, ${sql.raw(binOf(input, bounds[input]!))} as bin, count(*)::int as n
      from insight_base b where ${sql.raw(INPUT_COLUMN[input])} is not null group by 1, 2`.execute(tx);
    for (const row of bins) {
      const group = groups.get(row.gkey)!;
      (group.histograms[input] ??= new Map()).set(Number(row.bin), Number(row.n));
    }
  }
  for (const measure of plan.distributions) {
    const { rows: counts } = measure === 'faultRate'
      ? await sql<{ gkey: string; value: string; n: number }>`
          select b.gkey, f.code as value, count(*)::int as n
          from insight_base b cross join lateral unnest(b.faults[1:${sql.lit(bounds.faultsPerRecord!)}]) as f(code)
          group by 1, 2`.execute(tx)
      : await sql<{ gkey: string; value: string; n: number }>`
          select b.gkey, ${sql.raw(DISTRIBUTION_COLUMN[measure])} as value, count(*)::int as n
          from insight_base b where ${sql.raw(DISTRIBUTION_COLUMN[measure])} is not null group by 1, 2`.execute(tx);
    for (const row of counts) {
      const group = groups.get(row.gkey)!;
      (group.distributions[measure] ??= new Map()).set(String(row.value), Number(row.n));
    }
  }
  return [...groups.values()];
}

/** Marks which groups were released, for billing: the query's contributions are their subjects. */
export async function markReleasedGroups(tx: DbOrTx, releasedKeys: readonly string[]): Promise<void> {
  await sql`drop table if exists insight_groups`.execute(tx);
  await sql`
    create temp table insight_groups on commit drop as
    select gkey, gkey = any(${[...releasedKeys]}::text[]) as released
    from insight_base group by gkey`.execute(tx);
  await sql`analyze insight_groups`.execute(tx);
}
