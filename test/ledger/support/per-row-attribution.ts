// The test's oracle: a copy of how the hub attributed a query to subjects before pointers (the consent
// path of src/insights/insights.service.ts's working set and src/insights/query-billing.ts, as of commit
// 6336a57), kept here so the pointer expansion can be checked against it. Not used by the hub.
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../../src/db/database.ts';
import { DIMENSION_SQL, neededJoins } from '../../../src/insights/insight-dimensions.ts';
import { equalSplit } from '../../../src/ledger/revenue-split.ts';
import type { RequestFilters } from '../../../src/policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../../../src/policy/policy-vocabulary.ts';

export interface OracleRequest {
  purpose: string;
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filters: RequestFilters;
  k: number;
  recordsPerSubject?: number;
}

export interface OracleAnswer {
  /** subject id → share of the users' pool, fen. */
  shares: Map<string, number>;
  /** subject id → the platform its share was pooled under. */
  platforms: Map<string, string>;
  releasedKeys: (string | null)[][];
  remainderReleased: boolean;
  subjects: number;
}

function filterConditions(filters: RequestFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (name === 'tradeInMonthFrom' && typeof value === 'string') conditions.push(sql`r.trade_in_month >= ${`${value}-01`}::date`);
    else if (name === 'tradeInMonthTo' && typeof value === 'string') conditions.push(sql`r.trade_in_month <= ${`${value}-01`}::date`);
    else if (Array.isArray(value) && name in DIMENSION_SQL) conditions.push(sql`(${sql.raw(DIMENSION_SQL[name as PolicyDimension])}) = any(${value}::text[])`);
  }
  return conditions;
}

/** The released groups and each counted subject's share, per row as the hub used to compute them, at `now`. */
export async function perRowAttribution(
  tx: DbOrTx,
  request: OracleRequest,
  queryId: string,
  usersPool: (subjects: number) => number,
  now: Date,
): Promise<OracleAnswer> {
  const dims = request.groupBy;
  const groupSelect = dims.length === 0 ? sql.raw("'' as g_all") : sql.raw(dims.map((d, i) => `(${DIMENSION_SQL[d]})::text as g${i}`).join(', '));
  const groupKey = sql.raw(`json_build_array(${dims.length === 0 ? "''" : dims.map((d) => `(${DIMENSION_SQL[d]})::text`).join(', ')})::text as gkey`);
  const conditions = filterConditions(request.filters);
  if (dims.includes('model')) conditions.push(sql`r.model is not null`);
  const where = conditions.length === 0 ? sql`` : sql`and ${sql.join(conditions, sql` and `)}`;
  const filterDims = Object.keys(request.filters).filter((name) => name in DIMENSION_SQL);
  const need = neededJoins([...dims, ...filterDims], request.measures);
  const joins = sql.raw(`
    ${need.inspection ? 'left join (select distinct on (x.record_id) * from inspections x order by x.record_id, x.created_at desc) i on i.record_id = r.id' : ''}
    ${need.disposition ? 'left join (select distinct on (y.record_id) * from dispositions y order by y.record_id, y.created_at desc) d on d.record_id = r.id' : ''}
    ${need.catalogue ? 'left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model' : ''}`);
  const rps = request.recordsPerSubject;
  const consenting = sql`
    select rs.subject_id, rs.platform_id as supplier_platform, ${groupSelect}, ${groupKey}
      ${rps === undefined ? sql`` : sql`, row_number() over (partition by rs.subject_id order by r.trade_in_month desc, r.id desc) as subject_rank`}
    from consents c
    join record_subjects rs on rs.subject_id = c.subject_id
    join records r on r.id = rs.record_id
    ${joins}
    where c.purpose = ${request.purpose} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${now})
    ${where}`;
  await sql`drop table if exists oracle_base`.execute(tx);
  await (
    rps === undefined
      ? sql`create temp table oracle_base as ${consenting}`
      : sql`create temp table oracle_base as select * from (${consenting}) ranked where subject_rank <= ${rps}`
  ).execute(tx);
  await sql`drop table if exists oracle_groups`.execute(tx);
  await sql`create temp table oracle_groups as select gkey, count(distinct subject_id) >= ${request.k} as released from oracle_base group by gkey`.execute(tx);
  const remainder = await sql<{ n: number }>`
    select count(distinct b.subject_id)::int as n from oracle_base b join oracle_groups g on g.gkey = b.gkey where not g.released`.execute(tx);
  const hasRemainder = (await sql<{ n: number }>`select count(*)::int as n from oracle_groups where not released`.execute(tx)).rows[0]!.n > 0;
  const remainderReleased = hasRemainder && remainder.rows[0]!.n >= request.k;
  const keys = dims.map((_, i) => `g${i}`);
  const { rows: released } = await sql<Record<string, string | null>>`
    select distinct ${sql.raw(keys.length === 0 ? "'' as none" : keys.map((g) => `b.${g}`).join(', '))}
    from oracle_base b join oracle_groups g on g.gkey = b.gkey where g.released`.execute(tx);
  const releasedKeys = released.map((row) => keys.map((g) => row[g] ?? null));

  await sql`drop table if exists oracle_contributors`.execute(tx);
  await sql`
    create temp table oracle_contributors as
    select b.subject_id, min(b.supplier_platform) as platform_id
    from oracle_base b join oracle_groups g on g.gkey = b.gkey
    where (g.released or ${remainderReleased}) group by b.subject_id`.execute(tx);
  const subjects = (await sql<{ n: number }>`select count(*)::int as n from oracle_contributors`.execute(tx)).rows[0]!.n;
  const { baseFen, extraFen } = equalSplit(usersPool(subjects), subjects);
  const { rows } = await sql<{ subject_id: string; platform_id: string; share: string }>`
    select c.subject_id, c.platform_id,
      ${baseFen}::bigint + case when row_number() over (order by md5(${queryId} || c.subject_id::text), c.subject_id) <= ${extraFen} then 1 else 0 end as share
    from oracle_contributors c`.execute(tx);
  for (const table of ['oracle_base', 'oracle_groups', 'oracle_contributors']) await sql`drop table ${sql.table(table)}`.execute(tx);
  return {
    shares: new Map(rows.map((row) => [row.subject_id, Number(row.share)])),
    platforms: new Map(rows.map((row) => [row.subject_id, row.platform_id])),
    releasedKeys,
    remainderReleased,
    subjects,
  };
}
