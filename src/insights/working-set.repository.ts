import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { AllowedPolicy } from '../policy/policy.types.ts';
import { DIMENSION_SQL, DISTRIBUTION_MEASURES, measureInputsSql, neededJoins, SCALAR_MEASURE_SQL } from './insight-dimensions.ts';

/**
 * Per-record working sets over the base tables, for what the analytic store does not serve: statutory
 * purposes (every record counts, consent or not, exact with k over records) and, until billing records a
 * pointer instead of per-subject rows, the subjects a released consent-based answer bills.
 */

export interface WorkingSetRequest {
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filters: RequestFilters;
}

export interface StatutoryRow {
  keys: Record<string, string | null>;
  remainder: boolean;
  subjects: number;
  values: Record<string, number | Record<string, number> | null>;
}

export interface StatutoryAnswer {
  rows: StatutoryRow[];
  suppressedGroups: number;
  remainderDropped: boolean;
}

/**
 * Builds the transaction's working table `insight_base`: one row per counted record with its group key
 * (`gkey`, and g0… per dimension, or g_all) and the inputs the measures read. Statutory purposes read every
 * record. Consent-based ones (billing only) read each consenting subject's latest record, overall, then
 * apply the filters: the analytic store's contribution rule, so the billed subjects are the answer's.
 */
export async function buildWorkingSet(tx: DbOrTx, policy: AllowedPolicy, request: WorkingSetRequest, now: Date): Promise<void> {
  const dims = request.groupBy;
  const groupSelect = dims.length === 0 ? sql.raw("'' as g_all") : sql.raw(dims.map((d, i) => `(${DIMENSION_SQL[d]})::text as g${i}`).join(', '));
  // One text key per group (a JSON array of the values, nulls included) so the working set joins its
  // groups on equality, which PostgreSQL can hash; `is not distinct from` on each key forces nested loops.
  const groupKey = sql.raw(`json_build_array(${dims.length === 0 ? "''" : dims.map((d) => `(${DIMENSION_SQL[d]})::text`).join(', ')})::text as gkey`);
  const conditions = filterConditions(request.filters);
  // An uncatalogued model is kept only as a keyed hash (src/vocabulary): such records count by category and
  // brand, and in model-level answers only once their brand's catalogue names the model.
  if (dims.includes('model')) conditions.push(sql`r.model is not null`);
  const where = conditions.length === 0 ? sql`` : sql`and ${sql.join(conditions, sql` and `)}`;
  const filterDims = Object.keys(request.filters).filter((name) => name in DIMENSION_SQL);
  const need = neededJoins([...dims, ...filterDims], request.measures);
  const joins = sql.raw(`
    ${need.inspection ? 'left join (select distinct on (x.record_id) * from inspections x order by x.record_id, x.created_at desc, x.id desc) i on i.record_id = r.id' : ''}
    ${need.disposition ? 'left join (select distinct on (y.record_id) * from dispositions y order by y.record_id, y.created_at desc, y.id desc) d on d.record_id = r.id' : ''}
    ${need.catalogue ? 'left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model' : ''}`);
  const inputs = sql.raw(measureInputsSql(need));

  // Room to hash and sort a large working set in memory, for this transaction only.
  await sql`set local work_mem = '64MB'`.execute(tx);
  await sql`drop table if exists insight_base`.execute(tx);
  if (policy.legalBasis === 'statutory') {
    await sql`
      create temp table insight_base on commit drop as
      select r.id as subject_id, ${groupSelect}, ${groupKey}, ${inputs}
      from records r ${joins}
      where true ${where}`.execute(tx);
  } else {
    // Who supplied each row's documents: the trade-in's platform, and the recyclers whose inspection or
    // disposition the query read. Their counts weigh the parties' share of the price.
    const suppliers = sql.raw(`r.platform_id as supplier_platform,
      ${need.inspection ? 'i.recycler_id' : 'null::text'} as supplier_inspection,
      ${need.disposition ? 'd.recycler_id' : 'null::text'} as supplier_disposition`);
    await sql`
      create temp table insight_base on commit drop as
      select r.subject_id, ${suppliers}, ${groupSelect}, ${groupKey}, ${inputs}
      from (
        select distinct on (rs.subject_id) rs.subject_id, rs.platform_id, r.*
        from consents c join record_subjects rs on rs.subject_id = c.subject_id join records r on r.id = rs.record_id
        where c.purpose = ${policy.id} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${now})
        order by rs.subject_id, r.trade_in_month desc, r.id desc
      ) r ${joins}
      where true ${where}`.execute(tx);
  }
  // Temporary tables get no statistics of their own; without them the planner guesses badly.
  await sql`analyze insight_base`.execute(tx);
}

function filterConditions(filters: RequestFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (name === 'tradeInMonthFrom' && typeof value === 'string') conditions.push(sql`r.trade_in_month >= ${`${value}-01`}::date`);
    else if (name === 'tradeInMonthTo' && typeof value === 'string') conditions.push(sql`r.trade_in_month <= ${`${value}-01`}::date`);
    else if (Array.isArray(value) && name in DIMENSION_SQL) {
      conditions.push(sql`(${sql.raw(DIMENSION_SQL[name as PolicyDimension])}) = any(${value}::text[])`);
    }
  }
  return conditions;
}

export async function readStatutoryAnswer(tx: DbOrTx, policy: AllowedPolicy, request: WorkingSetRequest, now: Date): Promise<StatutoryAnswer> {
  const dims = request.groupBy;
  const k = policy.minGroupSize;
  const keys = dims.length === 0 ? ['g_all'] : dims.map((_, i) => `g${i}`);
  await buildWorkingSet(tx, policy, request, now);

  const joinOn = sql.raw('b.gkey = ig.gkey');
  // Output columns are named out_<key> and grouped by position: the bare names would be ambiguous with the
  // working tables' own columns.
  const outKeys = sql.raw(keys.map((g) => `case when ig.released then b.${g} end as out_${g}`).join(', '));
  const groupKeys = sql.raw(Array.from({ length: keys.length + 1 }, (_, i) => String(i + 1)).join(', '));
  await sql`drop table if exists insight_groups`.execute(tx);
  await sql`
    create temp table insight_groups on commit drop as
    select gkey, count(distinct subject_id) >= ${k} as released
    from insight_base group by gkey`.execute(tx);
  await sql`analyze insight_groups`.execute(tx);

  const scalar = request.measures.filter((m) => SCALAR_MEASURE_SQL[m] !== undefined);
  const scalarSql = (m: PolicyMeasure) => SCALAR_MEASURE_SQL[m]!;
  const scalarSelect = scalar.length === 0 ? sql`` : sql`, ${sql.raw(scalar.map((m) => `${scalarSql(m)} as "${m}"`).join(', '))}`;
  const { rows: grouped } = await sql<Record<string, unknown>>`
    select not ig.released as remainder, ${outKeys}, count(distinct b.subject_id)::int as subjects, count(*)::int as records,
      count(b.battery_health_pct)::int as battery_records ${scalarSelect}
    from insight_base b join insight_groups ig on ${joinOn}
    group by ${groupKeys}`.execute(tx);

  const suppressedGroups = Number((await sql<{ n: number }>`select count(*)::int as n from insight_groups where not released`.execute(tx)).rows[0]!.n);
  const remainderRow = grouped.find((row) => row.remainder === true);
  const remainderReleased = remainderRow !== undefined && Number(remainderRow.subjects) >= k;
  const released = grouped.filter((row) => row.remainder !== true || remainderReleased);

  const distributions = await distributionCounts(tx, request.measures, keys, joinOn, outKeys, groupKeys);
  const rowKey = (row: Record<string, unknown>) => outputRowKey(row, keys);
  const rows = exactRows(released, request.measures, dims, distributions, rowKey);

  return { rows, suppressedGroups, remainderDropped: remainderRow !== undefined && !remainderReleased };
}

/** Identifies an output row across the grouped select and the distribution selects. */
function outputRowKey(row: Record<string, unknown>, keys: string[]): string {
  return JSON.stringify([row.remainder, ...keys.map((g) => row[`out_${g}`] ?? null)]);
}

type Distributions = Map<string, Map<string, { total: number; counts: Record<string, number> }>>;

function rowKeys(row: Record<string, unknown>, dims: PolicyDimension[]): Record<string, string | null> {
  return Object.fromEntries(dims.map((d, i) => [d, (row[`out_g${i}`] as string | null) ?? null]));
}

function exactRows(
  released: Record<string, unknown>[],
  measures: PolicyMeasure[],
  dims: PolicyDimension[],
  distributions: Distributions,
  rowKey: (row: Record<string, unknown>) => string,
): StatutoryRow[] {
  const totalRecords = released.reduce((sum, row) => sum + Number(row.records), 0);
  return released.map((row) => {
    const values: StatutoryRow['values'] = {};
    for (const measure of measures) {
      if (measure === 'share') values.share = totalRecords === 0 ? null : Number(row.records) / totalRecords;
      else if (SCALAR_MEASURE_SQL[measure] !== undefined) values[measure] = row[measure] === null || row[measure] === undefined ? null : Number(row[measure]);
      else {
        const cell = distributions.get(measure)?.get(rowKey(row));
        values[measure] = cell === undefined || cell.total === 0 ? {} : Object.fromEntries(Object.entries(cell.counts).map(([v, n]) => [v, n / cell.total]));
      }
    }
    return { keys: rowKeys(row, dims), remainder: row.remainder === true, subjects: Number(row.subjects), values };
  });
}

/** Grade, fault and disposition counts per output row (with each row's denominator), keyed like the rows. */
async function distributionCounts(
  tx: DbOrTx,
  measures: PolicyMeasure[],
  keys: string[],
  joinOn: RawBuilder<unknown>,
  outKeys: RawBuilder<unknown>,
  groupKeys: RawBuilder<unknown>,
): Promise<Distributions> {
  const result: Distributions = new Map();
  for (const measure of DISTRIBUTION_MEASURES.filter((m) => measures.includes(m))) {
    const value = measure === 'gradeDistribution' ? 'b.grade_value' : measure === 'dispositionShares' ? 'b.disposition_value' : 'f.code';
    const from = measure === 'faultRate' ? sql`insight_base b cross join lateral unnest(b.faults) as f(code)` : sql`insight_base b`;
    const denominator =
      measure === 'faultRate' ? 'count(*) filter (where b.inspected)' : measure === 'gradeDistribution' ? 'count(b.grade_value)' : 'count(b.disposition_value)';
    const { rows: totals } = await sql<Record<string, unknown>>`
      select not ig.released as remainder, ${outKeys}, ${sql.raw(denominator)}::float8 as total
      from insight_base b join insight_groups ig on ${joinOn} group by ${groupKeys}`.execute(tx);
    const { rows: counts } = await sql<Record<string, unknown>>`
      select not ig.released as remainder, ${outKeys}, ${sql.raw(value)} as value, count(*)::float8 as n
      from ${from} join insight_groups ig on ${joinOn}
      where ${sql.raw(value)} is not null
      group by ${groupKeys}, ${sql.raw(String(keys.length + 2))}`.execute(tx);
    const keyOf = (row: Record<string, unknown>) => outputRowKey(row, keys);
    const byKey = new Map<string, { total: number; counts: Record<string, number> }>();
    for (const row of totals) byKey.set(keyOf(row), { total: Number(row.total), counts: {} });
    for (const row of counts) {
      const cell = byKey.get(keyOf(row));
      if (cell !== undefined) cell.counts[String(row.value)] = Number(row.n);
    }
    result.set(measure, byKey);
  }
  return result;
}
