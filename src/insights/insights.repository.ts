import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension } from '../policy/policy-vocabulary.ts';
import type { DpBounds } from '../policy/policy.types.ts';
import type { DistributionMeasure, DpInput, DpPlan } from './dp/dp-measures.ts';
import type { GroupStatistics } from './dp/release-noisy-answer.ts';
import { STORE_INPUTS, chooseStoreSource, storeBinning, type StoreSource } from './store-resolution.ts';

/**
 * The analytic store's reads (migrations 2026-12-07T17-01-00 and 2026-12-07T20-01-00): consent-based answers
 * come from the summaries the triggers keep, never from per-record or per-subject rows. Each cell holds one
 * purpose's consenting subjects whose latest record has one tuple of every dimension; each rollup the same
 * for a coarser tuple (a grain); every subject adds exactly one record. A request reads the smallest grain
 * holding every dimension it groups or filters by (store-resolution.ts), else the cells: both give the same
 * statistics, the rollups from far fewer rows.
 */

/** Each dimension over a cell (`c`): the same values DIMENSION_SQL gives over a record. */
const CELL_DIMENSION: Readonly<Record<PolicyDimension, string>> = {
  category: 'c.category',
  brand: 'c.brand',
  model: 'c.model',
  province: "substr(c.region_code, 1, 2) || '0000'",
  prefecture: "case when substr(c.region_code, 3, 4) <> '0000' then c.region_code end",
  tradeInMonth: "to_char(c.trade_in_month, 'YYYY-MM')",
  channel: 'c.channel',
  grade: 'c.grade',
  disposition: 'c.disposition',
  ageBand: 'c.age_band',
  usageBand: 'c.usage_band',
  newPurchaseCategory: 'c.new_purchase_category',
};

/** The kinds of `insight_rollup_labels`: fault code × position, grade, disposition. */
const LABEL_KIND: Readonly<Record<DistributionMeasure, number>> = { faultRate: 1, gradeDistribution: 2, dispositionShares: 3 };

export interface StoreRequest {
  purpose: string;
  groupBy: readonly PolicyDimension[];
  filters: RequestFilters;
}

/**
 * Run before every store read, inside the query's transaction: applies the queued additions of ingest (migration
 * 2026-12-07T22-04-00), then consents whose expiry passed by `now` stop counting.
 */
export async function expireDueConsents(tx: DbOrTx, purpose: string, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`select insight_store_expire(${purpose}, ${now}::timestamptz) as n`.execute(tx);
  return Number(rows[0]!.n);
}

/**
 * Applies ingest's queued additions to the store now (migration 2026-12-07T22-04-00), outside any query: the
 * serving hub's drain timer calls it so that a query rarely finds a queue to apply. Returns how many
 * subjects it refreshed. Runs as the tables' owner.
 */
export async function drainQueuedUpkeep(tx: DbOrTx, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`select insight_store_drain(${now}::timestamptz) as n`.execute(tx);
  return Number(rows[0]!.n);
}

function cellConditions(request: StoreRequest, source: StoreSource): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`c.purpose = ${request.purpose}`, sql`c.records > 0`];
  if (source.kind === 'rollup') conditions.push(sql`c.grain = ${source.grain}::smallint`);
  for (const [name, value] of Object.entries(request.filters)) {
    if (name === 'tradeInMonthFrom' && typeof value === 'string') conditions.push(sql`c.trade_in_month >= ${`${value}-01`}::date`);
    else if (name === 'tradeInMonthTo' && typeof value === 'string') conditions.push(sql`c.trade_in_month <= ${`${value}-01`}::date`);
    else if (Array.isArray(value) && name in CELL_DIMENSION)
      conditions.push(sql`(${sql.raw(CELL_DIMENSION[name as PolicyDimension])}) = any(${value}::text[])`);
  }
  // An uncatalogued model counts by category and brand; in model-level answers only once catalogued.
  if (request.groupBy.includes('model')) conditions.push(sql`c.model is not null`);
  return conditions;
}

/**
 * The exact statistics the DP step needs, per group, read from the source's rows matching the request: records,
 * inspected records, clamped sums and present counts, quantile histograms and distribution counts. The
 * policy's numbers go in as parameters; the SQL text is fixed per dimension and input.
 */
export async function readStoreStatistics(
  tx: DbOrTx,
  request: StoreRequest,
  plan: DpPlan,
  bounds: DpBounds,
  source: StoreSource = chooseStoreSource(request.groupBy, request.filters, plan, bounds),
): Promise<GroupStatistics[]> {
  const rollup = source.kind === 'rollup';
  const table = sql.raw(rollup ? 'insight_rollups' : 'insight_cells');
  const values = sql.raw(rollup ? 'insight_rollup_values v on v.rollup_id = g.id' : 'insight_cell_values v on v.cell_id = g.id');
  const dims = request.groupBy;
  const keyNames = dims.map((_, i) => `g${i}`);
  const keySelect = sql.raw(dims.map((d, i) => `(${CELL_DIMENSION[d]})::text as g${i}`).join(', ') || "'' as g_all");
  const groupCols = sql.raw(keyNames.length === 0 ? 'g.g_all' : keyNames.map((k) => `g.${k}`).join(', '));
  const cells = sql`
    with g as materialized (
      select c.id, c.records, c.inspected,
        ${sql.raw(rollup ? 'c.disposed, ' : 'case when c.disposition is not null then c.records else 0 end as disposed, c.grade, c.disposition, ')}${keySelect}
      from ${table} c where ${sql.join(cellConditions(request, source), sql` and `)}
    )`;
  const keysOf = (row: Record<string, unknown>) => keyNames.map((k) => (row[k] as string | null) ?? null);
  const id = (keys: (string | null)[]) => JSON.stringify(keys);

  const { rows } = await sql<Record<string, unknown>>`${cells}
    select ${groupCols}, sum(g.records)::int as records, sum(g.inspected)::int as inspected,
      sum(g.disposed)::int as disposed
    from g group by ${groupCols}`.execute(tx);
  const groups = new Map<string, GroupStatistics>();
  for (const row of rows) {
    const keys = keysOf(row);
    groups.set(id(keys), {
      keys,
      records: Number(row.records),
      inspected: Number(row.inspected),
      disposed: Number(row.disposed),
      sums: {},
      present: {},
      histograms: {},
      distributions: {},
    });
  }
  const groupOf = (row: Record<string, unknown>) => groups.get(id(keysOf(row)));

  const summed = new Set<DpInput>([...plan.sums, ...plan.presentCounts]);
  for (const input of summed) {
    const bound = bounds[input]!;
    const { rows: sums } = await sql<Record<string, unknown>>`${cells}
      select ${groupCols}, sum(least(greatest(v.value, ${bound.min}::int), ${Math.floor(bound.max)}::int)::bigint * v.n)::float8 as total, sum(v.n)::int as present
      from g join ${values} and v.input = ${STORE_INPUTS[input].code}::smallint
      group by ${groupCols}`.execute(tx);
    for (const row of sums) {
      const group = groupOf(row);
      if (group === undefined) continue;
      if (plan.sums.includes(input)) group.sums[input] = Number(row.total);
      if (plan.presentCounts.includes(input)) group.present[input] = Number(row.present);
    }
    for (const group of groups.values()) {
      if (plan.sums.includes(input)) group.sums[input] ??= 0;
      if (plan.presentCounts.includes(input)) group.present[input] ??= 0;
    }
  }
  for (const input of plan.histograms) {
    const binning = storeBinning(input, bounds[input]!, source);
    const { rows: counted } = await sql<Record<string, unknown>>`${cells}
      select ${groupCols}, least(greatest(floor((v.value - ${binning.minUnits}::int)::float8 / ${binning.widthUnits}::int), 0), ${binning.bins - 1}::int)::int as bin, sum(v.n)::int as n
      from g join ${values} and v.input = ${STORE_INPUTS[input].code}::smallint
      group by ${groupCols}, bin`.execute(tx);
    for (const row of counted) {
      const group = groupOf(row);
      if (group !== undefined) (group.histograms[input] ??= new Map()).set(Number(row.bin), Number(row.n));
    }
  }
  for (const measure of plan.distributions) {
    const { rows: counts } = rollup
      ? await sql<Record<string, unknown>>`${cells}
          select ${groupCols}, l.label as value, sum(l.n)::int as n
          from g join insight_rollup_labels l on l.rollup_id = g.id and l.kind = ${LABEL_KIND[measure]}::smallint
          ${measure === 'faultRate' ? sql`where l.position <= ${bounds.faultsPerRecord!}::int` : sql``}
          group by ${groupCols}, l.label`.execute(tx)
      : measure === 'faultRate'
        ? await sql<Record<string, unknown>>`${cells}
          select ${groupCols}, f.code as value, sum(f.n)::int as n
          from g join insight_cell_faults f on f.cell_id = g.id where f.position <= ${bounds.faultsPerRecord!}::int
          group by ${groupCols}, f.code`.execute(tx)
        : await sql<Record<string, unknown>>`${cells}
          select ${groupCols}, ${sql.raw(measure === 'gradeDistribution' ? 'g.grade' : 'g.disposition')} as value, sum(g.records)::int as n
          from g where ${sql.raw(measure === 'gradeDistribution' ? 'g.grade' : 'g.disposition')} is not null
          group by ${groupCols}, value`.execute(tx);
    for (const row of counts) {
      const group = groupOf(row);
      if (group !== undefined) (group.distributions[measure] ??= new Map()).set(String(row.value), Number(row.n));
    }
  }
  return [...groups.values()];
}

export interface StoreDifference {
  added: number;
  changed: number;
  removed: number;
}

export interface StoreRebuildReport {
  cells: StoreDifference;
  values: StoreDifference;
  faults: StoreDifference;
  /** The rollups (every grain), their value counts and their label counts (faults, grades, dispositions). */
  rollups: StoreDifference;
  rollupValues: StoreDifference;
  rollupLabels: StoreDifference;
  repaired: boolean;
}

/**
 * A contribution row (`x`, as insight_store_contributions returns it) at each grain (`g`): the grain's key,
 * as the upkeep (migration 2026-12-07T20-01-00) computes it. Only the rebuild's check uses it.
 */
const ROLLUP_KEY = `g.grain || '/' || x.purpose || '/' || json_build_array(x.category, x.brand, x.model,
  case when g.by_province then substr(x.region_code, 1, 2) || '0000' end, case when g.by_month then x.trade_in_month end::text,
  case when g.by_age_grade then x.age_band end, case when g.by_age_grade then x.grade end)::text`;
const GRAINS =
  '(values (1::smallint, false, false, false), (2::smallint, true, false, false), (3::smallint, false, true, false), (4::smallint, false, false, true)) g(grain, by_province, by_age_grade, by_month)';

/**
 * Recomputes the analytic store from the base tables at `now` and compares it with what the triggers kept:
 * cells, value counts, fault counts, and the rollups of every grain with their value and label counts,
 * added, changed or removed (counts only; nothing about anyone).
 * When anything differs it rebuilds the store from scratch. Holds the store's tables against concurrent
 * upkeep meanwhile, so writers wait rather than interleave. Runs as the tables' owner.
 */
export async function rebuildStore(tx: DbOrTx, now: Date, options: { repair: boolean }): Promise<StoreRebuildReport> {
  await sql`lock table insight_members, insight_cells, insight_cell_values, insight_cell_faults, insight_rollups, insight_rollup_values, insight_rollup_labels in share row exclusive mode`.execute(
    tx,
  );
  // Ingest's additions are queued (migration 2026-12-07T22-04-00): applied first, so only lost upkeep differs.
  await sql`select insight_store_drain(${now}::timestamptz)`.execute(tx);
  await sql`select insight_store_expire(p.purpose, ${now}::timestamptz) from (select distinct purpose from insight_members) p`.execute(tx);
  await sql`drop table if exists store_expected`.execute(tx);
  await sql`create temp table store_expected on commit drop as select * from insight_store_contributions(array(select distinct subject_id from record_subjects), ${now}::timestamptz)`.execute(
    tx,
  );
  const difference = async (expected: RawBuilder<unknown>, current: RawBuilder<unknown>): Promise<StoreDifference> => {
    const { rows } = await sql<{ added: number; changed: number; removed: number }>`
      with e as (${expected}), c as (${current})
      select (count(*) filter (where c.k is null))::int as added,
             (count(*) filter (where e.k is not null and c.k is not null and e.v <> c.v))::int as changed,
             (count(*) filter (where e.k is null))::int as removed
      from e full join c on e.k = c.k`.execute(tx);
    return rows[0]!;
  };
  const cells = await difference(
    sql`select purpose || '/' || cell_key as k, count(*)::text || '/' || (count(*) filter (where inspected))::text as v from store_expected group by purpose, cell_key`,
    sql`select purpose || '/' || cell_key as k, records::text || '/' || inspected::text as v from insight_cells where records <> 0 or inspected <> 0`,
  );
  const values = await difference(
    sql`select x.purpose || '/' || x.cell_key || '/' || v.input || '/' || v.value as k, count(*)::text as v from store_expected x
        cross join lateral (values (1, x.usage_months), (2, x.battery_pct), (3, x.valuation_k), (4, x.residual_bp), (5, x.co2e_kg)) v(input, value)
        where v.value is not null group by 1`,
    sql`select c.purpose || '/' || c.cell_key || '/' || v.input || '/' || v.value as k, v.n::text as v from insight_cell_values v join insight_cells c on c.id = v.cell_id where v.n <> 0`,
  );
  const faults = await difference(
    sql`select x.purpose || '/' || x.cell_key || '/' || u.code || '/' || u.position as k, count(*)::text as v from store_expected x
        cross join lateral unnest(x.faults) with ordinality u(code, position) group by 1`,
    sql`select c.purpose || '/' || c.cell_key || '/' || f.code || '/' || f.position as k, f.n::text as v from insight_cell_faults f join insight_cells c on c.id = f.cell_id where f.n <> 0`,
  );
  const rollups = await difference(
    sql`select ${sql.raw(ROLLUP_KEY)} as k, count(*)::text || '/' || (count(*) filter (where x.inspected))::text || '/' || (count(*) filter (where x.disposition is not null))::text as v
        from store_expected x cross join ${sql.raw(GRAINS)} group by 1`,
    sql`select grain || '/' || purpose || '/' || rollup_key as k, records::text || '/' || inspected::text || '/' || disposed::text as v from insight_rollups where records <> 0 or inspected <> 0 or disposed <> 0`,
  );
  const rollupValues = await difference(
    sql`select ${sql.raw(ROLLUP_KEY)} || '/' || v.input || '/' || v.value as k, count(*)::text as v from store_expected x cross join ${sql.raw(GRAINS)}
        cross join lateral (values (1, x.usage_months), (2, x.battery_pct), (3, floor(x.valuation_k / 2.0)::int), (4, floor(x.residual_bp / 50.0)::int), (5, x.co2e_kg)) v(input, value)
        where v.value is not null group by 1`,
    sql`select r.grain || '/' || r.purpose || '/' || r.rollup_key || '/' || v.input || '/' || v.value as k, v.n::text as v from insight_rollup_values v join insight_rollups r on r.id = v.rollup_id where v.n <> 0`,
  );
  const rollupLabels = await difference(
    sql`select ${sql.raw(ROLLUP_KEY)} || '/' || l.kind || '/' || l.label || '/' || l.position as k, count(*)::text as v from store_expected x cross join ${sql.raw(GRAINS)}
        cross join lateral (
          select 1, u.code, u.position from unnest(x.faults) with ordinality u(code, position)
          union all select 2, x.grade, 0 where x.grade is not null
          union all select 3, x.disposition, 0 where x.disposition is not null) l(kind, label, position)
        group by 1`,
    sql`select r.grain || '/' || r.purpose || '/' || r.rollup_key || '/' || l.kind || '/' || l.label || '/' || l.position as k, l.n::text as v from insight_rollup_labels l join insight_rollups r on r.id = l.rollup_id where l.n <> 0`,
  );
  const differs = [cells, values, faults, rollups, rollupValues, rollupLabels].some((d) => d.added + d.changed + d.removed > 0);
  if (differs && options.repair) {
    await sql`delete from insight_members`.execute(tx);
    await sql`delete from insight_rollup_values`.execute(tx);
    await sql`delete from insight_rollup_labels`.execute(tx);
    await sql`delete from insight_rollups`.execute(tx);
    await sql`delete from insight_cell_values`.execute(tx);
    await sql`delete from insight_cell_faults`.execute(tx);
    await sql`delete from insight_cells`.execute(tx);
    // A full rebuild: the refresh planned for a large set (migration 2026-12-07T20-01-00), whatever the size.
    await sql`select insight_store_refresh_bulk(array(select distinct subject_id from record_subjects), ${now}::timestamptz)`.execute(tx);
  }
  return { cells, values, faults, rollups, rollupValues, rollupLabels, repaired: differs && options.repair };
}
