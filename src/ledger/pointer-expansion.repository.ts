import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { DIMENSION_SQL } from '../insights/insight-dimensions.ts';
import type { PolicyDimension } from '../policy/policy-vocabulary.ts';

/**
 * Expands query pointers into who they counted, set-based, for any number of queries: a join of the
 * pointers with the consent ledger and the data as they stood at each query's instant, distributed by
 * `subject_id` (the consent events, record links and records all lead with or join on it).
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
 * How, so that the work follows the rows counted rather than queries × records:
 * - consent once: each (subject, purpose)'s granted intervals of positions, `[position, next event's)`,
 *   from one ordered pass over the purposes' events (`consent_events_purpose_idx`);
 * - pointers grouped by request shape (dimensions grouped by, dimensions filtered on): per shape, one pass
 *   over the records of granting subjects within the shape's months, computing each record's group key and
 *   filter values once when they do not depend on the instant (everything but the model, the latest
 *   inspection or disposition and catalogue facts), then a hash join with the shape's pointers on
 *   (trade-in month, purpose) — each pointer expanded into the months its bounds cover — and a hashed
 *   look-up of (query, key) among the released keys.
 *
 * Writes `pointer_rows`, two kinds of row: per query and subject counted, a member row (`subject_id`, the
 * least platform among its counted records' as billing saw it, `order_md5` = md5(query id, subject id) as a
 * uuid, the shares' tie-break order, computed once per member; `party` null); per query and party whose
 * documents the counted records used (their platforms, and the inspection, disposition and catalogue
 * parties the query read), a documents row (`party`, `documents`; `subject_id` null). Reads the queries
 * named in the temp table `pointer_scope (query_id)`.
 * `onlySubject` narrows it to one subject (what `me` shows).
 */
export async function expandPointers(tx: DbOrTx, options: { onlySubject?: string } = {}): Promise<void> {
  const only = options.onlySubject;
  await sql`drop table if exists pointer_rows`.execute(tx);
  await sql`
    create temp table pointer_rows (
      query_id uuid, subject_id uuid, platform_id text, party text, documents bigint, order_md5 uuid
    ) on commit drop`.execute(tx);

  await sql`drop table if exists pointer_q`.execute(tx);
  await sql`
    create temp table pointer_q on commit drop as
    select p.query_id, p.purpose, p.at, p.consent_position, p.group_by, p.released_keys, p.remainder_released,
      p.records_per_subject, p.uses_inspection, p.uses_disposition, p.uses_catalogue,
      p.filters - 'tradeInMonthFrom' - 'tradeInMonthTo' as dimension_filters,
      coalesce(((p.filters ->> 'tradeInMonthFrom') || '-01')::date, '-infinity'::date) as month_from,
      coalesce(((p.filters ->> 'tradeInMonthTo') || '-01')::date, 'infinity'::date) as month_to,
      array(select jsonb_object_keys(p.filters - 'tradeInMonthFrom' - 'tradeInMonthTo') order by 1) as filter_names
    from query_pointers p join pointer_scope s on s.query_id = p.query_id`.execute(tx);
  const { rows: shapeRows } = await sql<Shape>`
    select group_by, filter_names, array_agg(distinct purpose) as purposes,
      bool_or(uses_inspection) as inspection, bool_or(uses_disposition) as disposition, bool_or(uses_catalogue) as catalogue,
      bool_or(records_per_subject is not null) as bounded
    from pointer_q group by group_by, filter_names`.execute(tx);
  if (shapeRows.length === 0) return;

  // Granted intervals of positions per (subject, purpose): an event holds from its position until the next.
  const subject = only === undefined ? sql`` : sql`and e.subject_id = ${only}::uuid`;
  await sql`drop table if exists pointer_grants`.execute(tx);
  await sql`
    create temp table pointer_grants on commit drop as
    select subject_id, purpose, position as from_position, until_position, expires_at from (
      select e.subject_id, e.purpose, e.position, e.status, e.expires_at,
        lead(e.position) over (partition by e.subject_id, e.purpose order by e.position) as until_position
      from consent_events e where e.purpose in (select distinct purpose from pointer_q) ${subject}
    ) e where status = 'granted'`.execute(tx);
  await sql`analyze pointer_grants`.execute(tx);

  // Each pointer as the trade-in months its bounds cover (clamped to the months any record has), one row
  // per month carrying the pointer, and its released keys as rows: both joined by hash.
  await sql`drop table if exists pointer_months`.execute(tx);
  await sql`
    create temp table pointer_months on commit drop as
    select q.*, m.month::date as month
    from pointer_q q
    cross join (select date_trunc('month', min(trade_in_month)) as first, date_trunc('month', max(trade_in_month)) as last from records) b
    cross join lateral generate_series(greatest(date_trunc('month', q.month_from), b.first), least(q.month_to, b.last), interval '1 month') m(month)`.execute(
    tx,
  );
  await sql`drop table if exists pointer_keys`.execute(tx);
  await sql`
    create temp table pointer_keys on commit drop as
    select q.query_id, k.key from pointer_q q cross join lateral unnest(q.released_keys) k(key) where not q.remainder_released`.execute(tx);
  await sql`analyze pointer_q`.execute(tx);
  await sql`analyze pointer_months`.execute(tx);
  await sql`analyze pointer_keys`.execute(tx);

  for (const shape of shapeRows) await expandShape(tx, shape, only);
}

interface Shape {
  group_by: string[];
  filter_names: string[];
  purposes: string[];
  inspection: boolean;
  disposition: boolean;
  catalogue: boolean;
  bounded: boolean;
}

/** The dimensions whose value depends on the query's instant (the model's catalogue entry, the latest inspection or disposition). */
const AT_INSTANT = /\b(i|d|cm)\./;
function dependsOnInstant(dimension: PolicyDimension): boolean {
  return dimension === 'model' || AT_INSTANT.test(DIMENSION_SQL[dimension]);
}

/** A stored dimension name as the vocabulary's own (pointers store names; only known ones reach SQL text). */
function knownDimension(name: string): PolicyDimension {
  if (!(name in DIMENSION_SQL)) throw new RangeError('a query pointer names a dimension outside the vocabulary');
  return name as PolicyDimension;
}

/** One shape's pointers expanded into `pointer_rows`. */
async function expandShape(tx: DbOrTx, shape: Shape, only: string | undefined): Promise<void> {
  const groupBy = shape.group_by.map(knownDimension);
  const filters = shape.filter_names.map(knownDimension);
  const need = { inspection: shape.inspection, disposition: shape.disposition, catalogue: shape.catalogue };
  const value = (dimension: PolicyDimension) => sql.raw(`(${dimensionAt(dimension, need)})::text`);
  // Instant-free values are computed once per record in `base`; the others per (query, record).
  const once = (dimension: PolicyDimension) => !dependsOnInstant(dimension);
  const keyOf = (dims: PolicyDimension[]) => (dims.length === 0 ? sql`'[]'` : sql`array_to_json(array[${sql.join(dims.map(value))}])::text`);
  const keyOnce = groupBy.every(once);
  const baseValues = [
    ...(keyOnce ? [sql`${keyOf(groupBy)} as key`] : []),
    ...filters.map((dimension, i) => (once(dimension) ? sql`${value(dimension)} as ${sql.ref(`f${i}`)}` : null)).filter((v) => v !== null),
  ];
  const key = keyOnce ? sql`r.key` : keyOf(groupBy);
  const filterChecks = filters.map((dimension, i) => {
    const v = once(dimension) ? sql.ref(`r.f${i}`) : value(dimension);
    return sql`and coalesce(q.dimension_filters -> ${dimension} ? ${v}, false)`;
  });
  const modelKnown = groupBy.includes('model') ? sql`and ${value('model')} is not null` : sql``;
  const subjectRecords = only === undefined ? sql`` : sql`and rs.subject_id = ${only}::uuid`;

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

  // Per shape, the records of subjects who granted one of its purposes, with each grant interval, and the
  // instant-free group key and filter values computed once; stored and analysed so the join below is
  // planned on true sizes (a CTE's estimate is a guess, and a bad one turns the hash join into sorts).
  const rawColumns = !keyOnce || filters.some((dimension) => !once(dimension)) || need.catalogue;
  await sql`drop table if exists pointer_base`.execute(tx);
  await sql`
    create temp table pointer_base on commit drop as
    select r.id, rs.subject_id, rs.platform_id, r.created_at, r.trade_in_month, date_trunc('month', r.trade_in_month)::date as month,
      ${rawColumns ? sql`r.category, r.brand, r.model, r.region_code, r.channel, r.usage_months, r.new_purchase_category,` : sql``}
      g.purpose, g.from_position, g.until_position, g.expires_at
      ${baseValues.length === 0 ? sql`` : sql`, ${sql.join(baseValues)}`}
    from pointer_grants g
    join record_subjects rs on rs.subject_id = g.subject_id ${subjectRecords}
    join records r on r.id = rs.record_id
    where g.purpose = any(${shape.purposes}::text[])`.execute(tx);
  await sql`analyze pointer_base`.execute(tx);

  // The parties whose documents a counted record used, each a grouping set of its own beside the members'.
  const parties = [
    sql`r.platform_id`,
    ...(need.inspection ? [sql`case when q.uses_inspection then i.recycler_id end`] : []),
    ...(need.disposition ? [sql`case when q.uses_disposition then d.recycler_id end`] : []),
    ...(need.catalogue ? [sql`case when q.uses_catalogue then cm.party_id end`] : []),
  ];
  const partyColumns = parties.map((_, n) => sql.ref(`c.party${n}`));
  const partyOf = sql`case ${sql.join(
    partyColumns.map((column) => sql`when grouping(${column}) = 0 then ${column}`),
    sql` `,
  )} end`;

  // Pointers without a per-subject bound apart from those with one: the bound's correlated count is costed
  // per row, and a plan costed for it would be the wrong plan for the others. The counted records are
  // folded in the same statement by one hashed pass of grouping sets: per (query, subject) the member row
  // (its least platform, the md5 computed once per member), and per (query, party) the documents supplied.
  for (const bounded of shape.bounded ? [false, true] : [false])
    await sql`
    insert into pointer_rows (query_id, subject_id, platform_id, party, documents, order_md5)
    select query_id, subject_id, platform_id, party, documents,
      case when subject_id is not null then md5(query_id::text || subject_id::text)::uuid end
    from (
      select c.query_id, c.subject_id, case when grouping(c.subject_id) = 0 then min(c.party0) end as platform_id,
        case when grouping(c.subject_id) = 1 then ${partyOf} end as party, count(*) as documents
      from (
        select q.query_id, r.subject_id, ${sql.join(parties.map((party, n) => sql`${party} as ${sql.ref(`party${n}`)}`))}
        from pointer_months q
        join pointer_base r on r.month = q.month and r.purpose = q.purpose
        ${inspections} ${dispositions} ${catalogue}
        where q.group_by = ${shape.group_by}::text[] and q.filter_names = ${shape.filter_names}::text[]
          and r.created_at <= q.at and r.trade_in_month >= q.month_from and r.trade_in_month <= q.month_to
          and r.from_position <= q.consent_position and (r.until_position is null or r.until_position > q.consent_position)
          and (r.expires_at is null or r.expires_at > q.at)
          ${sql.join(filterChecks, sql` `)} ${modelKnown}
          and (q.remainder_released or (q.query_id, ${key}) in (select query_id, key from pointer_keys))
          ${
            bounded
              ? sql`and q.records_per_subject is not null and (
            select count(*) from record_subjects rs2 join records r2 on r2.id = rs2.record_id
            where rs2.subject_id = r.subject_id and r2.created_at <= q.at and (r2.trade_in_month, r2.id) > (r.trade_in_month, r.id)
          ) < q.records_per_subject`
              : sql`and q.records_per_subject is null`
          }
      ) c
      group by grouping sets ((c.query_id, c.subject_id), ${sql.join(
        partyColumns.map((column) => sql`(c.query_id, ${column})`),
        sql`, `,
      )})
    ) counted
    where subject_id is not null or party is not null`.execute(tx);
}

/** A dimension's SQL for a record (`r`) at the query's instant, given which tables are joined. */
function dimensionAt(dimension: PolicyDimension, joined: { inspection: boolean; disposition: boolean; catalogue: boolean }): string {
  const expression = DIMENSION_SQL[dimension];
  if (dimension === 'model') return joined.catalogue ? 'case when cm.model is not null then r.model end' : 'null::text';
  if (/\bi\./.test(expression) && !joined.inspection) return 'null::text';
  if (/\bd\./.test(expression) && !joined.disposition) return 'null::text';
  if (/\bcm\./.test(expression) && !joined.catalogue) return 'null::text';
  return expression;
}

/**
 * Each counted subject's share of its query's users' pool, from the member rows of `pointer_rows` and the
 * temp table `pointer_pool (query_id, users_pool_fen)`: everyone the floor of pool ÷ count, and the first
 * pool mod count subjects in md5(query id, subject id) order (then subject id) one fen more. Writes
 * `pointer_shares (query_id, subject_id, platform_id, order_md5, share_fen, rank, subjects, extra_fen)`.
 *
 * One sort of the members by (query, md5, subject) ranks them; the count per query comes from the same
 * window partition. The md5 is stored as a uuid: the same bytes, so the same order as its hex text,
 * compared without the collation, and sorted on a stored column rather than on an expression evaluated
 * per row.
 */
export async function shareMembers(tx: DbOrTx): Promise<void> {
  await sql`drop table if exists pointer_shares`.execute(tx);
  await sql`
    create temp table pointer_shares on commit drop as
    select query_id, subject_id, platform_id, order_md5, rank, subjects, pool % subjects as extra_fen,
      pool / subjects + case when rank <= pool % subjects then 1 else 0 end as share_fen
    from (
      select r.query_id, r.subject_id, r.platform_id, r.order_md5, p.users_pool_fen as pool,
        row_number() over (partition by r.query_id order by r.order_md5, r.subject_id) as rank,
        count(*) over (partition by r.query_id) as subjects
      from pointer_rows r join pointer_pool p on p.query_id = r.query_id
      where r.subject_id is not null
    ) ranked`.execute(tx);
}

export interface QueryMembers {
  subjects: number;
  /** The users' pool as shared, per platform. */
  pools: Map<string, number>;
  /** The last subject given the extra fen (md5 tie and subject id), if any was. */
  cutoff: { tie: string; subjectId: string } | null;
}

/** From `pointer_shares`, in one pass: each query's count of subjects, its pool per platform and its cutoff. */
export async function summariseShares(tx: DbOrTx): Promise<Map<string, QueryMembers>> {
  const { rows } = await sql<{ query_id: string; platform_id: string; fen: string; subjects: string; tie: string | null; cutoff_subject: string | null }>`
    select query_id, platform_id, sum(share_fen)::bigint as fen, max(subjects) as subjects,
      min(replace(order_md5::text, '-', '')) filter (where rank = extra_fen) as tie, min(subject_id::text) filter (where rank = extra_fen) as cutoff_subject
    from pointer_shares group by query_id, platform_id order by query_id, platform_id`.execute(tx);
  const byQuery = new Map<string, QueryMembers>();
  for (const row of rows) {
    const members = byQuery.get(row.query_id) ?? { subjects: Number(row.subjects), pools: new Map<string, number>(), cutoff: null };
    members.pools.set(row.platform_id, Number(row.fen));
    if (row.tie !== null && row.cutoff_subject !== null) members.cutoff = { tie: row.tie, subjectId: row.cutoff_subject };
    byQuery.set(row.query_id, members);
  }
  return byQuery;
}

/** From `pointer_rows`: each query's documents per supplier (the records' platforms, and the parties whose documents the query read). */
export async function supplierDocuments(tx: DbOrTx): Promise<Map<string, Map<string, number>>> {
  const { rows } = await sql<{ query_id: string; party: string; documents: string }>`
    select query_id, party, sum(documents) as documents from pointer_rows where subject_id is null group by query_id, party`.execute(tx);
  const documents = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const byParty = documents.get(row.query_id) ?? new Map<string, number>();
    byParty.set(row.party, Number(row.documents));
    documents.set(row.query_id, byParty);
  }
  return documents;
}
