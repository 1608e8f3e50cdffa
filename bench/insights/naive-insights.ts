import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { planStatistics, type DpInput } from '../../src/insights/dp/dp-measures.ts';
import type { GroupStatistics } from '../../src/insights/dp/release-noisy-answer.ts';
import { co2eAvoidedSql } from '../../src/insights/carbon-factors.ts';
import { DIMENSION_SQL } from '../../src/insights/insight-dimensions.ts';
import { storeBinning } from '../../src/insights/store-resolution.ts';
import type { RequestFilters } from '../../src/policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../../src/policy/policy-vocabulary.ts';
import type { DpBounds } from '../../src/policy/policy.types.ts';

export interface NaiveRequest {
  purpose: string;
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filters: RequestFilters;
}

/** Each stored input's value per record, in the store's units (whole units, floored). */
const INPUT_SQL: Readonly<Record<DpInput, string>> = {
  usageMonths: 'r.usage_months::int',
  batteryHealthPct: 'i.battery_health_pct::int',
  valuationFen: '(coalesce(i.final_valuation_fen, r.quoted_valuation_fen) / 1000)::int',
  residualRatio:
    'case when cm.launch_price_fen > 0 then least(coalesce(i.final_valuation_fen, r.quoted_valuation_fen) * 10000 / cm.launch_price_fen, 2000000000)::int end',
  co2eKg: `case when d.record_id is not null then round(${co2eAvoidedSql()})::int end`,
};

/**
 * The baseline and the reference: the plain SQL over the base tables for the bounded statistics of one
 * request, on the store's definition — each subject consenting at `now` (granted, not expired) counts by
 * their latest record (trade_in_month desc, id desc) with its latest inspection and disposition, then the
 * filters apply. No store, no triggers, no k, no noise: the statistics the DP step would get.
 */
export async function naiveStatistics(db: Db, request: NaiveRequest, bounds: DpBounds, now: Date): Promise<GroupStatistics[]> {
  const dims = request.groupBy;
  const plan = planStatistics(request.measures);
  const keySelect = dims.map((d, i) => `(${DIMENSION_SQL[d]})::text as g${i}`).join(', ') || "'' as g_all";
  const keyCols = dims.length === 0 ? 'g_all' : dims.map((_, i) => `g${i}`).join(', ');
  const conditions: RawBuilder<unknown>[] = [];
  for (const [name, value] of Object.entries(request.filters)) {
    if (name === 'tradeInMonthFrom' && typeof value === 'string') conditions.push(sql`r.trade_in_month >= ${`${value}-01`}::date`);
    else if (name === 'tradeInMonthTo' && typeof value === 'string') conditions.push(sql`r.trade_in_month <= ${`${value}-01`}::date`);
    else if (Array.isArray(value)) conditions.push(sql`(${sql.raw(DIMENSION_SQL[name as PolicyDimension])}) = any(${value}::text[])`);
  }
  if (dims.includes('model')) conditions.push(sql`r.model is not null`);
  const where = conditions.length === 0 ? sql`` : sql`and ${sql.join(conditions, sql` and `)}`;
  const inputs = sql.raw((Object.keys(INPUT_SQL) as DpInput[]).map((input) => `${INPUT_SQL[input]} as "${input}"`).join(', '));
  return db.transaction().execute(async (tx) => {
    await sql`set local work_mem = '64MB'`.execute(tx);
    await sql`
      create temp table naive_base on commit drop as
      select ${sql.raw(keySelect)}, ${inputs}, i.record_id is not null as inspected, i.grade, d.disposition, i.faults
      from (
        select distinct on (rs.subject_id) rs.subject_id, r.*
        from consents c join record_subjects rs on rs.subject_id = c.subject_id join records r on r.id = rs.record_id
        where c.purpose = ${request.purpose} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${now})
        order by rs.subject_id, r.trade_in_month desc, r.id desc
      ) r
      left join (select distinct on (x.record_id) * from inspections x order by x.record_id, x.created_at desc, x.id desc) i on i.record_id = r.id
      left join (select distinct on (y.record_id) * from dispositions y order by y.record_id, y.created_at desc, y.id desc) d on d.record_id = r.id
      left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model
      where true ${where}`.execute(tx);
    const keysOf = (row: Record<string, unknown>) => (dims.length === 0 ? [] : dims.map((_, i) => (row[`g${i}`] as string | null) ?? null));
    const groups = new Map<string, GroupStatistics>();
    const groupOf = (row: Record<string, unknown>) => groups.get(JSON.stringify(keysOf(row)))!;
    const cols = sql.raw(keyCols);
    for (const row of (
      await sql<
        Record<string, unknown>
      >`select ${cols}, count(*)::int as n, (count(*) filter (where inspected))::int as inspected, (count(*) filter (where disposition is not null))::int as disposed from naive_base group by ${cols}`.execute(
        tx,
      )
    ).rows) {
      groups.set(JSON.stringify(keysOf(row)), {
        keys: keysOf(row),
        records: Number(row.n),
        inspected: Number(row.inspected),
        disposed: Number(row.disposed),
        sums: {},
        present: {},
        histograms: {},
        distributions: {},
      });
    }
    for (const input of new Set([...plan.sums, ...plan.presentCounts])) {
      const bound = bounds[input]!;
      const column = sql.raw(`"${input}"`);
      for (const row of (
        await sql<Record<string, unknown>>`
        select ${cols}, coalesce(sum(least(greatest(${column}, ${bound.min}::int), ${Math.floor(bound.max)}::int)), 0)::float8 as total, count(${column})::int as present
        from naive_base group by ${cols}`.execute(tx)
      ).rows) {
        if (plan.sums.includes(input)) groupOf(row).sums[input] = Number(row.total);
        if (plan.presentCounts.includes(input)) groupOf(row).present[input] = Number(row.present);
      }
    }
    for (const input of plan.histograms) {
      const b = storeBinning(input, bounds[input]!);
      const column = sql.raw(`"${input}"`);
      for (const row of (
        await sql<Record<string, unknown>>`
        select ${cols}, least(greatest(floor((${column} - ${b.minUnits}::int)::float8 / ${b.widthUnits}::int), 0), ${b.bins - 1}::int)::int as bin, count(*)::int as n
        from naive_base where ${column} is not null group by ${cols}, bin`.execute(tx)
      ).rows) {
        (groupOf(row).histograms[input] ??= new Map()).set(Number(row.bin), Number(row.n));
      }
    }
    for (const measure of plan.distributions) {
      const { rows } =
        measure === 'faultRate'
          ? await sql<
              Record<string, unknown>
            >`select ${cols}, f.code as value, count(*)::int as n from naive_base cross join lateral unnest(faults[1:${sql.lit(bounds.faultsPerRecord!)}]) f(code) group by ${cols}, f.code`.execute(
              tx,
            )
          : await sql<
              Record<string, unknown>
            >`select ${cols}, ${sql.raw(measure === 'gradeDistribution' ? 'grade' : 'disposition')} as value, count(*)::int as n from naive_base where ${sql.raw(measure === 'gradeDistribution' ? 'grade' : 'disposition')} is not null group by ${cols}, value`.execute(
              tx,
            );
      for (const row of rows) (groupOf(row).distributions[measure] ??= new Map()).set(String(row.value), Number(row.n));
    }
    return [...groups.values()];
  });
}

/** A canonical, comparable form of statistics: groups sorted by key, maps as sorted entries. */
export function comparableStatistics(groups: readonly GroupStatistics[]): unknown {
  const sortedMap = (m: Map<number | string, number> | undefined) =>
    [...(m ?? new Map())].filter(([, n]) => n !== 0).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return [...groups]
    .map((g) => ({
      keys: g.keys,
      records: g.records,
      inspected: g.inspected,
      disposed: g.disposed,
      sums: Object.fromEntries(Object.entries(g.sums).sort()),
      present: Object.fromEntries(Object.entries(g.present).sort()),
      histograms: Object.fromEntries(
        Object.entries(g.histograms)
          .sort()
          .map(([k, m]) => [k, sortedMap(m as Map<number, number>)]),
      ),
      distributions: Object.fromEntries(
        Object.entries(g.distributions)
          .sort()
          .map(([k, m]) => [k, sortedMap(m as Map<string, number>)]),
      ),
    }))
    .sort((a, b) => JSON.stringify(a.keys).localeCompare(JSON.stringify(b.keys)));
}
