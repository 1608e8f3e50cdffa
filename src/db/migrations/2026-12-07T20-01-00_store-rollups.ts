// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The analytic store, made fast (issue #13 item 2; bench/README.md "The analytic store"). The cells of
// 2026-12-07T17-01-00 keep the tuple of every dimension any policy allows, which on real data is nearly one
// cell per consenting subject, so a query over them still reads O(subjects) rows. This migration adds:
//
//   insight_rollups        the same counts at coarser grains, one row per (grain, purpose, key): records,
//                          inspected, disposed. Every grain keeps category, brand and model; grain 2 adds the
//                          province, grain 3 the age band and grade (the dashboard's residual curve), grain 4
//                          the trade-in month (month ranges). A query reads the smallest grain that holds every
//                          dimension it groups or filters by (src/insights/store-resolution.ts), else the cells.
//   insight_rollup_values  per rollup, the count of each value of the measured inputs. Usage months, battery %
//                          and kg CO2e as in the cells (their means need exact clamped sums); valuation in units
//                          of 2,000 fen and the residual ratio in units of 0.005, which divide every shipped
//                          policy's histogram bins (only quantiles read them): a request whose bins do not align
//                          is served from the cells.
//   insight_rollup_labels  per rollup, counts of labels: 1 fault code × position, 2 grade, 3 disposition, so
//                          the distributions are answered at any grain.
//
// Upkeep, rewritten (same contribution rule, same transactions): one statement per writing statement takes
// the subjects' old contributions (insight_members) and their new ones, nets them into signed deltas, and
// applies the deltas to the cells and to every grain at once, set-based. It replaces remove-then-add (two
// plpgsql functions, eight statements and a second pass deleting zero counts) and the dynamic EXECUTE in the
// trigger (re-planned on every statement) with one trigger function per table whose SQL is planned once per
// session; the refresh runs with a generic plan, so no statement is re-planned per call.
import { type Kysely, sql } from 'kysely';

const KEY_COLUMNS = 'category, brand, model, region_code, trade_in_month, channel, grade, disposition, age_band, usage_band, new_purchase_category';

// grain → (province, age band and grade, month) on top of category, brand, model. Mirrored by STORE_GRAINS.
const GRAINS =
  '(values (1::smallint, false, false, false), (2::smallint, true, false, false), (3::smallint, false, true, false), (4::smallint, false, false, true)) g(grain, by_province, by_age_grade, by_month)';

// Each table's changed rows → the subjects whose contribution may change. Static SQL over the transition
// tables (`changed_new`, `changed_old`), so each trigger's plan is cached for the session.
const SUBJECTS_OF: Readonly<Record<string, (t: string) => string>> = {
  records: (t) => `select rs.subject_id from record_subjects rs where rs.record_id in (select id from ${t})`,
  record_subjects: (t) => `select subject_id from ${t}`,
  consents: (t) => `select subject_id from ${t}`,
  inspections: (t) => `select rs.subject_id from record_subjects rs where rs.record_id in (select record_id from ${t})`,
  dispositions: (t) => `select rs.subject_id from record_subjects rs where rs.record_id in (select record_id from ${t})`,
  catalogue_models: (t) =>
    `select rs.subject_id from record_subjects rs join records r on r.id = rs.record_id where (r.brand, r.model) in (select brand, model from ${t})`,
};

// The refresh statement (see up()): the subjects' old and new contributions, netted and applied everywhere.
const REFRESH = `      with old as (
        delete from insight_members m where m.subject_id = any(p_subjects) returning m.*
      ), d as materialized (
        select -1 as sign, o.purpose, c.cell_key, c.category, c.brand, c.model, c.region_code, c.trade_in_month, c.channel, c.grade, c.disposition,
          c.age_band, c.usage_band, c.new_purchase_category, o.cell_id, o.inspected, o.usage_months, o.battery_pct, o.valuation_k, o.residual_bp,
          o.co2e_kg, o.faults, null::uuid as subject_id, null::timestamptz as expires_at
        from old o join insight_cells c on c.id = o.cell_id
        union all
        select 1, x.purpose, x.cell_key, x.category, x.brand, x.model, x.region_code, x.trade_in_month, x.channel, x.grade, x.disposition,
          x.age_band, x.usage_band, x.new_purchase_category, null::bigint, x.inspected, x.usage_months, x.battery_pct, x.valuation_k, x.residual_bp,
          x.co2e_kg, x.faults, x.subject_id, x.expires_at
        from insight_store_contributions(p_subjects, p_at) x
      ), cell_delta as (
        select purpose, cell_key, ${KEY_COLUMNS}, sum(sign)::int as records, coalesce(sum(sign) filter (where inspected), 0)::int as inspected
        from d group by purpose, cell_key, ${KEY_COLUMNS}
      ), cells as (
        insert into insight_cells (purpose, cell_key, ${KEY_COLUMNS}, records, inspected)
        select purpose, cell_key, ${KEY_COLUMNS}, records, inspected from cell_delta where records <> 0 or inspected <> 0
        order by purpose, cell_key
        on conflict (purpose, cell_key) do update set records = insight_cells.records + excluded.records, inspected = insight_cells.inspected + excluded.inspected
        returning id, purpose, cell_key
      ), dc as materialized (
        select d.*, coalesce(d.cell_id, n.id, e.id) as cid
        from d
        left join cells n on d.cell_id is null and n.purpose = d.purpose and n.cell_key = d.cell_key
        left join insight_cells e on d.cell_id is null and e.purpose = d.purpose and e.cell_key = d.cell_key
      ), members as (
        insert into insight_members (subject_id, purpose, cell_id, expires_at, inspected, usage_months, battery_pct, valuation_k, residual_bp, co2e_kg, faults)
        select subject_id, purpose, cid, expires_at, inspected, usage_months, battery_pct, valuation_k, residual_bp, co2e_kg, faults from dc where sign = 1
        returning 1
      ), value_delta as (
        select dc.cid, v.input, v.value, sum(dc.sign)::int as n from dc
        cross join lateral (values (1::smallint, usage_months), (2::smallint, battery_pct), (3::smallint, valuation_k), (4::smallint, residual_bp), (5::smallint, co2e_kg)) v(input, value)
        where v.value is not null group by 1, 2, 3 having sum(dc.sign) <> 0
      ), value_gone as (
        delete from insight_cell_values t using value_delta x
        where t.cell_id = x.cid and t.input = x.input and t.value = x.value and t.n + x.n = 0 returning 1
      ), value_kept as (
        insert into insight_cell_values (cell_id, input, value, n)
        select x.cid, x.input, x.value, x.n from value_delta x
        where not exists (select 1 from insight_cell_values t where t.cell_id = x.cid and t.input = x.input and t.value = x.value and t.n + x.n = 0)
        order by 1, 2, 3
        on conflict (cell_id, input, value) do update set n = insight_cell_values.n + excluded.n returning 1
      ), fault_delta as (
        select dc.cid, u.code, u.position::smallint as position, sum(dc.sign)::int as n from dc
        cross join lateral unnest(dc.faults) with ordinality u(code, position)
        group by 1, 2, 3 having sum(dc.sign) <> 0
      ), fault_gone as (
        delete from insight_cell_faults t using fault_delta x
        where t.cell_id = x.cid and t.code = x.code and t.position = x.position and t.n + x.n = 0 returning 1
      ), fault_kept as (
        insert into insight_cell_faults (cell_id, code, position, n)
        select x.cid, x.code, x.position, x.n from fault_delta x
        where not exists (select 1 from insight_cell_faults t where t.cell_id = x.cid and t.code = x.code and t.position = x.position and t.n + x.n = 0)
        order by 1, 2, 3
        on conflict (cell_id, code, position) do update set n = insight_cell_faults.n + excluded.n returning 1
      ), rd as materialized (
        select k.*, json_build_array(k.category, k.brand, k.model, k.region_code, k.trade_in_month::text, k.age_band, k.grade)::text as rollup_key
        from (
          select g.grain, dc.sign, dc.purpose, dc.category, dc.brand, dc.model,
            case when g.by_province then substr(dc.region_code, 1, 2) || '0000' end as region_code,
            case when g.by_month then dc.trade_in_month end as trade_in_month,
            case when g.by_age_grade then dc.age_band end as age_band,
            case when g.by_age_grade then dc.grade end as grade,
            dc.grade as graded, dc.disposition, dc.inspected, dc.usage_months, dc.battery_pct,
            floor(dc.valuation_k / 2.0)::int as valuation, floor(dc.residual_bp / 50.0)::int as residual, dc.co2e_kg, dc.faults
          from dc cross join ${GRAINS}
        ) k
      ), rollup_delta as (
        select grain, purpose, rollup_key, category, brand, model, region_code, trade_in_month, age_band, grade,
          sum(sign)::int as records, coalesce(sum(sign) filter (where inspected), 0)::int as inspected,
          coalesce(sum(sign) filter (where disposition is not null), 0)::int as disposed
        from rd group by grain, purpose, rollup_key, category, brand, model, region_code, trade_in_month, age_band, grade
      ), rollups as (
        insert into insight_rollups (grain, purpose, rollup_key, category, brand, model, region_code, trade_in_month, age_band, grade, records, inspected, disposed)
        select grain, purpose, rollup_key, category, brand, model, region_code, trade_in_month, age_band, grade, records, inspected, disposed
        from rollup_delta where records <> 0 or inspected <> 0 or disposed <> 0
        order by grain, purpose, rollup_key
        on conflict (grain, purpose, rollup_key) do update set records = insight_rollups.records + excluded.records,
          inspected = insight_rollups.inspected + excluded.inspected, disposed = insight_rollups.disposed + excluded.disposed
        returning id, grain, purpose, rollup_key
      ), rc as materialized (
        select rd.*, coalesce(n.id, e.id) as rid
        from rd
        left join rollups n on n.grain = rd.grain and n.purpose = rd.purpose and n.rollup_key = rd.rollup_key
        left join insight_rollups e on e.grain = rd.grain and e.purpose = rd.purpose and e.rollup_key = rd.rollup_key
      ), rollup_value_delta as (
        select rc.rid, v.input, v.value, sum(rc.sign)::int as n from rc
        cross join lateral (values (1::smallint, usage_months), (2::smallint, battery_pct), (3::smallint, valuation), (4::smallint, residual), (5::smallint, co2e_kg)) v(input, value)
        where v.value is not null group by 1, 2, 3 having sum(rc.sign) <> 0
      ), rollup_value_gone as (
        delete from insight_rollup_values t using rollup_value_delta x
        where t.rollup_id = x.rid and t.input = x.input and t.value = x.value and t.n + x.n = 0 returning 1
      ), rollup_value_kept as (
        insert into insight_rollup_values (rollup_id, input, value, n)
        select x.rid, x.input, x.value, x.n from rollup_value_delta x
        where not exists (select 1 from insight_rollup_values t where t.rollup_id = x.rid and t.input = x.input and t.value = x.value and t.n + x.n = 0)
        order by 1, 2, 3
        on conflict (rollup_id, input, value) do update set n = insight_rollup_values.n + excluded.n returning 1
      ), label_delta as (
        select rc.rid, l.kind, l.label, l.position, sum(rc.sign)::int as n from rc
        cross join lateral (
          select 1::smallint, u.code, u.position::smallint from unnest(rc.faults) with ordinality u(code, position)
          union all select 2::smallint, rc.graded, 0::smallint where rc.graded is not null
          union all select 3::smallint, rc.disposition, 0::smallint where rc.disposition is not null
        ) l(kind, label, position)
        group by 1, 2, 3, 4 having sum(rc.sign) <> 0
      ), label_gone as (
        delete from insight_rollup_labels t using label_delta x
        where t.rollup_id = x.rid and t.kind = x.kind and t.label = x.label and t.position = x.position and t.n + x.n = 0 returning 1
      )
      -- The last upsert is the statement itself; every data-modifying CTE above runs to completion whether or
      -- not it is read.
      insert into insight_rollup_labels (rollup_id, kind, label, position, n)
      select x.rid, x.kind, x.label, x.position, x.n from label_delta x
      where not exists (select 1 from insight_rollup_labels t where t.rollup_id = x.rid and t.kind = x.kind and t.label = x.label and t.position = x.position and t.n + x.n = 0)
      order by 1, 2, 3, 4
      on conflict (rollup_id, kind, label, position) do update set n = insight_rollup_labels.n + excluded.n;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table insight_rollups (
      id bigint generated always as identity primary key,
      grain smallint not null,
      purpose text not null,
      rollup_key text not null,
      category text, brand text, model text, region_code text, trade_in_month date, age_band text, grade text,
      records integer not null,
      inspected integer not null,
      disposed integer not null,
      unique (grain, purpose, rollup_key)
    )`.execute(db);
  await sql`
    create table insight_rollup_values (
      rollup_id bigint not null,
      input smallint not null,
      value integer not null,
      n integer not null,
      primary key (rollup_id, input, value)
    )`.execute(db);
  await sql`
    create table insight_rollup_labels (
      rollup_id bigint not null,
      kind smallint not null,
      label text not null,
      position smallint not null,
      n integer not null,
      primary key (rollup_id, kind, label, position)
    )`.execute(db);

  // The signed deltas of one refresh, applied to cells, value counts, fault counts, members, rollups, rollup
  // values and rollup labels in one statement. Keys whose count nets to zero are deleted (values, faults,
  // labels) rather than updated, in the same statement: a key is either deleted or upserted, never both.
  // Cells and rollups whose counts reach zero stay (reads skip `records = 0`), so a subject coming back
  // finds its cell's id.
  //
  // Measured on the bench's 200k data set (bench/README.md): planning this statement afresh for each call
  // (a custom plan) cost ~80 ms of a ~100 ms consent change, so it runs with one generic plan per session.
  // A generic plan cannot see how many subjects the array holds and, costed for many, hash-joined whole
  // tables (a seq scan of insight_rollup_labels per call: ~450 ms). Upkeep touches a few keys per subject,
  // so joins are kept to index lookups: nested loops only, no seq scans of the summaries.
  // Larger sets (more than 50 subjects: ingest batches, the initial build, a rebuild's repair) take the same
  // statement planned for their size, hash joins allowed: without hash joins the joins between the
  // statement's own CTEs are quadratic (an ingest batch of 1,000 took 15 s at 200k records, load 44).
  await sql
    .raw(
      `
    create or replace function insight_store_refresh_bulk(p_subjects uuid[], p_at timestamptz) returns void
    language plpgsql security definer set search_path from current
    set plan_cache_mode = force_custom_plan set enable_hashjoin = on set enable_mergejoin = on set enable_seqscan = on as $$
    begin
${REFRESH}    end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `
    create or replace function insight_store_refresh(p_subjects uuid[], p_at timestamptz) returns void
    language plpgsql security definer set search_path from current
    set plan_cache_mode = force_generic_plan set enable_hashjoin = off set enable_mergejoin = off set enable_seqscan = off as $$
    begin
      if coalesce(cardinality(p_subjects), 0) = 0 then return; end if;
      if cardinality(p_subjects) > 50 then perform insight_store_refresh_bulk(p_subjects, p_at); return; end if;
${REFRESH}    end $$`,
    )
    .execute(db);

  // The expiry sweep runs before every consent-based query: its generic plan (`expires_at <= $2` costed as a
  // third of the members) scanned every member (~50 ms at 200k records); a custom plan uses the partial index.
  await sql
    .raw(
      `
    create or replace function insight_store_expire(p_purpose text, p_at timestamptz) returns integer
    language plpgsql security definer set search_path from current set plan_cache_mode = force_custom_plan as $$
    declare due uuid[];
    begin
      select array_agg(subject_id) into due from insight_members where purpose = p_purpose and expires_at <= p_at;
      perform insight_store_refresh(due, p_at);
      return coalesce(cardinality(due), 0);
    end $$`,
    )
    .execute(db);

  // Adding is refreshing subjects that have no members yet (the rebuild and the bench's initial build).
  await sql
    .raw(
      `
    create or replace function insight_store_add(p_subjects uuid[], p_at timestamptz) returns void
    language plpgsql security definer set search_path from current as $$
    begin
      perform insight_store_refresh(p_subjects, p_at);
    end $$`,
    )
    .execute(db);

  // One trigger function per table and event: static SQL over the transition tables, planned once per
  // session (the landed trigger built its subjects query with EXECUTE, re-planned on every statement).
  for (const [table, subjectsOf] of Object.entries(SUBJECTS_OF)) {
    for (const event of ['insert', 'update', 'delete'] as const) {
      const sources = [...(event === 'delete' ? [] : [subjectsOf('changed_new')]), ...(event === 'insert' ? [] : [subjectsOf('changed_old')])];
      const transition =
        event === 'insert' ? 'new table as changed_new' : event === 'delete' ? 'old table as changed_old' : 'old table as changed_old new table as changed_new';
      const name = `insight_store_on_${table}_${event}`;
      await sql
        .raw(
          `
        create or replace function ${name}() returns trigger
        language plpgsql security definer set search_path from current as $$
        begin
          perform insight_store_refresh(array(select distinct s.subject_id from (${sources.join(' union all ')}) s where s.subject_id is not null order by 1), now());
          return null;
        end $$`,
        )
        .execute(db);
      await sql.raw(`drop trigger if exists ${table}_store_${event} on ${table}`).execute(db);
      await sql
        .raw(
          `create trigger ${table}_store_${event} after ${event} on ${table}
        referencing ${transition} for each statement execute function ${name}()`,
        )
        .execute(db);
      await sql.raw(`revoke all on function ${name}() from public`).execute(db);
    }
  }
  await sql`drop function if exists insight_store_changed()`.execute(db);

  // Whatever the base tables hold, built afresh into cells and rollups alike (a refresh of subjects with no
  // members is a pure add; refreshing the existing members would net to zero and leave the rollups empty).
  for (const table of ['insight_members', 'insight_cell_values', 'insight_cell_faults', 'insight_cells']) await sql.raw(`delete from ${table}`).execute(db);
  await sql`select insight_store_refresh(array(select distinct subject_id from record_subjects order by 1), now())`.execute(db);

  // Reference tables like the cells: counts per purpose and coarse dimension tuple, no party or subject named.
  await sql`grant select on insight_rollups, insight_rollup_values, insight_rollup_labels to hub_analytics`.execute(db);
  await sql`revoke all on function insight_store_refresh(uuid[], timestamptz), insight_store_refresh_bulk(uuid[], timestamptz), insight_store_add(uuid[], timestamptz) from public`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(SUBJECTS_OF)) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql.raw(`drop trigger if exists ${table}_store_${event} on ${table}`).execute(db);
      await sql.raw(`drop function if exists insight_store_on_${table}_${event}()`).execute(db);
    }
  }
  await sql`drop function if exists insight_store_refresh_bulk(uuid[], timestamptz)`.execute(db);
  await sql`drop table if exists insight_rollup_labels`.execute(db);
  await sql`drop table if exists insight_rollup_values`.execute(db);
  await sql`drop table if exists insight_rollups`.execute(db);
  // The landed functions and triggers are not restored here: run the landed migration's down and up.
}
