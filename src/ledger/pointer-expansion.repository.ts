import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { DIMENSION_SQL } from '../insights/insight-dimensions.ts';
import type { PolicyDimension } from '../policy/policy-vocabulary.ts';

/**
 * Expands query pointers into who they counted, set-based, in one statement for any number of queries:
 * a join of the pointers with the consent ledger and the data as they stood at each query's instant,
 * distributed by `subject_id` (the consent events, record links and records all lead with or join on it).
 *
 * At a query's instant means:
 * - consent: the subject's latest event for the purpose at or below the query's consent position is a
 *   grant not expired at the query's time (the position is global and gap-free, so this is exact);
 * - data: records, inspections and dispositions created at or before the query's time (the latest
 *   inspection and disposition among those); a record's model only if its catalogue entry was created by
 *   then (an uncatalogued model is resolved later, in the catalogue's own ingest, which is when the entry
 *   is created); catalogue facts likewise;
 * - the per-subject bound: each subject's latest record overall at the instant (trade_in_month desc, id
 *   desc), independent of the request's filters.
 * Then each record is kept when it matches the filters and its group's keys are among the released ones
 * (or the remainder was released, when every group matching the filters counts).
 *
 * Writes `pointer_rows` (one row per counted record: query, subject, the subject's platform, and the parties
 * whose documents it used), reading the queries named in the temp table `pointer_scope (query_id)`.
 * `onlySubject` narrows it to one subject (what `me` shows).
 */
export async function expandPointers(tx: DbOrTx, options: { onlySubject?: string } = {}): Promise<void> {
  const {
    rows: [needs],
  } = await sql<{ inspection: boolean | null; disposition: boolean | null; catalogue: boolean | null }>`
    select bool_or(p.uses_inspection) as inspection, bool_or(p.uses_disposition) as disposition, bool_or(p.uses_catalogue) as catalogue
    from query_pointers p join pointer_scope s on s.query_id = p.query_id`.execute(tx);
  const need = { inspection: needs?.inspection === true, disposition: needs?.disposition === true, catalogue: needs?.catalogue === true };
  const dimension = (name: RawBuilder<unknown>) => dimensionAt(name, need);
  const subject = options.onlySubject === undefined ? sql`` : sql`and e.subject_id = ${options.onlySubject}::uuid`;
  // Versions of each record's inspection and disposition: valid from their creation until the next one's.
  const inspections = need.inspection
    ? sql`
    left join (
      select x.record_id, x.recycler_id, x.grade, x.created_at,
        lead(x.created_at) over (partition by x.record_id order by x.created_at, x.id) as until
      from inspections x
    ) i on i.record_id = r.id and i.created_at <= q.at and (i.until is null or i.until > q.at)`
    : sql``;
  const dispositions = need.disposition
    ? sql`
    left join (
      select y.record_id, y.recycler_id, y.disposition, y.created_at,
        lead(y.created_at) over (partition by y.record_id order by y.created_at, y.id) as until
      from dispositions y
    ) d on d.record_id = r.id and d.created_at <= q.at and (d.until is null or d.until > q.at)`
    : sql``;
  const catalogue = need.catalogue ? sql`left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model and cm.created_at <= q.at` : sql``;
  const key = sql`array_to_json((array[${sql.join([1, 2, 3, 4].map((i) => dimension(sql.raw(`q.group_by[${i}]`))))}])[1:cardinality(q.group_by)])::text`;

  const subjectRecords =
    options.onlySubject === undefined ? sql`` : sql`and r.id in (select record_id from record_subjects where subject_id = ${options.onlySubject}::uuid)`;
  await sql`drop table if exists pointer_rows`.execute(tx);
  // Record-level predicates first (the instant, the filters, the released keys), pointers × records, then
  // the survivors joined to their subjects and to consent at the pointer's position.
  await sql`
    create temp table pointer_rows on commit drop as
    with q as materialized (
      select p.query_id, p.purpose, p.at, p.consent_position, p.group_by, p.filters, p.released_keys, p.remainder_released,
        p.records_per_subject, p.uses_inspection, p.uses_disposition, p.uses_catalogue,
        p.filters - 'tradeInMonthFrom' - 'tradeInMonthTo' as dimension_filters,
        coalesce(((p.filters ->> 'tradeInMonthFrom') || '-01')::date, '-infinity'::date) as month_from,
        coalesce(((p.filters ->> 'tradeInMonthTo') || '-01')::date, 'infinity'::date) as month_to
      from query_pointers p join pointer_scope s on s.query_id = p.query_id
    ),
    candidates as materialized (
      select q.query_id, q.purpose, q.at, q.consent_position, q.records_per_subject, r.id as record_id, r.trade_in_month,
        case when q.uses_inspection then ${need.inspection ? sql`i.recycler_id` : sql`null::text`} end as inspection_party,
        case when q.uses_disposition then ${need.disposition ? sql`d.recycler_id` : sql`null::text`} end as disposition_party,
        case when q.uses_catalogue then ${need.catalogue ? sql`cm.party_id` : sql`null::text`} end as catalogue_party
      from q
      join records r on r.created_at <= q.at and r.trade_in_month >= q.month_from and r.trade_in_month <= q.month_to ${subjectRecords}
      ${inspections} ${dispositions} ${catalogue}
      where (q.dimension_filters = '{}'::jsonb or not exists (
          select from jsonb_each(q.dimension_filters) f
          where not coalesce(${dimension(sql.raw('f.key'))} = any(array(select jsonb_array_elements_text(f.value))), false)))
        and (not ('model' = any(q.group_by)) or ${dimension(sql.raw(`'model'`))} is not null)
        and (q.remainder_released or ${key} = any(q.released_keys))
    ),
    grants as (
      select e.subject_id, e.purpose, e.position, e.status, e.expires_at,
        lead(e.position) over (partition by e.subject_id, e.purpose order by e.position) as until
      from consent_events e where e.purpose in (select purpose from q) ${subject}
    )
    select c.query_id, rs.subject_id, rs.platform_id, c.inspection_party, c.disposition_party, c.catalogue_party
    from candidates c
    join record_subjects rs on rs.record_id = c.record_id
    join grants g on g.subject_id = rs.subject_id and g.purpose = c.purpose
    where g.status = 'granted' and g.position <= c.consent_position and (g.until is null or g.until > c.consent_position)
      and (g.expires_at is null or g.expires_at > c.at)
      and (c.records_per_subject is null or (
        select count(*) from record_subjects rs2 join records r2 on r2.id = rs2.record_id
        where rs2.subject_id = rs.subject_id and r2.created_at <= c.at and (r2.trade_in_month, r2.id) > (c.trade_in_month, c.record_id)
      ) < c.records_per_subject)`.execute(tx);
}

/** A dimension's value for a record at the query's instant, the dimension named by a SQL text expression. */
function dimensionAt(name: RawBuilder<unknown>, joined: { inspection: boolean; disposition: boolean; catalogue: boolean }): RawBuilder<unknown> {
  const branches = (Object.entries(DIMENSION_SQL) as [PolicyDimension, string][]).map(([dimension, expression]) => {
    let value = expression;
    if (dimension === 'model') value = joined.catalogue ? 'case when cm.model is not null then r.model end' : 'null::text';
    if (/\bi\./.test(expression) && !joined.inspection) value = 'null::text';
    if (/\bd\./.test(expression) && !joined.disposition) value = 'null::text';
    if (/\bcm\./.test(expression) && !joined.catalogue) value = 'null::text';
    return sql`when ${dimension} then (${sql.raw(value)})::text`;
  });
  return sql`(case ${name} ${sql.join(branches, sql` `)} end)`;
}

/**
 * From `pointer_rows`: `pointer_members` (one row per query and subject counted, with the subject's
 * platform as the query's billing saw it) and each query's supplier document counts.
 */
export async function summariseExpansion(tx: DbOrTx): Promise<{ counts: Map<string, number>; documents: Map<string, Map<string, number>> }> {
  await sql`drop table if exists pointer_members`.execute(tx);
  await sql`
    create temp table pointer_members on commit drop as
    select query_id, subject_id, min(platform_id) as platform_id from pointer_rows group by query_id, subject_id`.execute(tx);
  await sql`analyze pointer_members`.execute(tx);
  const { rows: counts } = await sql<{ query_id: string; n: number }>`select query_id, count(*)::int as n from pointer_members group by query_id`.execute(tx);
  const { rows: supplied } = await sql<{ query_id: string; party: string; documents: number }>`
    select r.query_id, x.party, count(*)::int as documents
    from pointer_rows r cross join lateral (values (r.platform_id), (r.inspection_party), (r.disposition_party), (r.catalogue_party)) as x(party)
    where x.party is not null group by r.query_id, x.party`.execute(tx);
  const documents = new Map<string, Map<string, number>>();
  for (const row of supplied) {
    const byParty = documents.get(row.query_id) ?? new Map<string, number>();
    byParty.set(row.party, Number(row.documents));
    documents.set(row.query_id, byParty);
  }
  return { counts: new Map(counts.map((row) => [row.query_id, Number(row.n)])), documents };
}

/**
 * Each member's share of its query's users' pool, from `pointer_members` and the temp table
 * `pointer_split (query_id, base_fen, extra_fen)`: everyone the floor, and the first `extra_fen` subjects in
 * md5(query id, subject id) order (then subject id) one fen more. Writes `pointer_shares`.
 */
export async function shareMembers(tx: DbOrTx): Promise<void> {
  await sql`drop table if exists pointer_shares`.execute(tx);
  await sql`
    create temp table pointer_shares on commit drop as
    select m.query_id, m.subject_id, m.platform_id, md5(m.query_id::text || m.subject_id::text) as tie,
      s.base_fen + case when row_number() over (partition by m.query_id order by md5(m.query_id::text || m.subject_id::text), m.subject_id) <= s.extra_fen then 1 else 0 end as share_fen,
      row_number() over (partition by m.query_id order by md5(m.query_id::text || m.subject_id::text), m.subject_id) as rank
    from pointer_members m join pointer_split s on s.query_id = m.query_id`.execute(tx);
}
