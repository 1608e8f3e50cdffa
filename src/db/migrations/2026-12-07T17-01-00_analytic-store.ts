// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The maintained analytic store (issue #13): consent-based insights are answered from summaries kept by
// triggers inside the same transaction as every write they depend on, never from per-record rows.
//
// The contribution rule, fixed before any query: each subject contributes exactly one record, their latest
// (trade_in_month desc, id desc), with its latest inspection and disposition (created_at desc, id desc) and
// its catalogue entry, to every purpose they consent to (granted, not expired). So record counts are subject
// counts, and a cell needs no per-subject rows to count distinct subjects.
//
//   insight_cells        one row per (purpose, tuple of every dimension any policy allows): records, inspected
//   insight_cell_values  per cell, the count of each value of the measured inputs, at fixed resolutions:
//                        1 usage months, 2 battery %, 3 valuation in units of 1,000 fen, 4 residual ratio in
//                        units of 1/10,000, 5 kg CO2e rounded. Any clamp and any bins aligned to these
//                        resolutions are computed exactly from these counts at query time.
//   insight_cell_faults  per cell, fault code × position in the record's list (a policy's faultsPerRecord
//                        keeps positions ≤ its bound)
//   insight_members      upkeep only, never read by a query: what each (subject, purpose) currently adds, so
//                        a change subtracts exactly that before adding the new contribution; the expiry
//                        sweep finds due consents through it.
import { type Kysely, sql } from 'kysely';

const CO2E = `(case
    when d.disposition in ('resold_as_is', 'refurbished') then (case r.category when 'mobile_phone' then 49.2 when 'tablet' then 49.2 when 'smartwatch_band' then 49.2 when 'smart_glasses' then 49.2 when 'computer' then 54 else 0 end)
    when d.disposition = 'dismantled_recycled' then coalesce(d.weight_kg, 0) * 4.7
      + coalesce(d.refrigerant_recovered_g, 0) / 1000.0 * (case d.refrigerant_type when 'R12' then 10900 when 'R22' then 1810 when 'R134a' then 1430 when 'R410A' then 2088 when 'R32' then 675 when 'R600a' then 3 when 'R290' then 3 else 0 end)
    else 0 end)`;

const AGE_BAND = `case when cm.launch_month is null then null
    when (r.trade_in_month - cm.launch_month) < 365 then '0-1y'
    when (r.trade_in_month - cm.launch_month) < 730 then '1-2y'
    when (r.trade_in_month - cm.launch_month) < 1095 then '2-3y'
    when (r.trade_in_month - cm.launch_month) < 1826 then '3-5y'
    else '5y+' end`;

const USAGE_BAND = `case when r.usage_months < 12 then '0-12m' when r.usage_months < 24 then '12-24m'
    when r.usage_months < 36 then '24-36m' when r.usage_months < 60 then '36-60m' else '60m+' end`;

const KEY_COLUMNS = 'category, brand, model, region_code, trade_in_month, channel, grade, disposition, age_band, usage_band, new_purchase_category';
const CELL_KEY = `json_build_array(category, brand, model, region_code, trade_in_month::text, channel, grade, disposition, age_band, usage_band, new_purchase_category)::text`;

// Each table's changed rows → the subjects whose contribution may change (%I: the transition table).
const SUBJECTS_OF: Readonly<Record<string, string>> = {
  records: 'select array_agg(distinct rs.subject_id) from record_subjects rs where rs.record_id in (select id from %I)',
  record_subjects: 'select array_agg(distinct subject_id) from %I',
  consents: 'select array_agg(distinct subject_id) from %I',
  inspections: 'select array_agg(distinct rs.subject_id) from record_subjects rs where rs.record_id in (select record_id from %I)',
  dispositions: 'select array_agg(distinct rs.subject_id) from record_subjects rs where rs.record_id in (select record_id from %I)',
  catalogue_models:
    'select array_agg(distinct rs.subject_id) from record_subjects rs join records r on r.id = rs.record_id where (r.brand, r.model) in (select brand, model from %I)',
};

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table insight_cells (
      id bigint generated always as identity primary key,
      purpose text not null,
      cell_key text not null,
      category text, brand text, model text, region_code text, trade_in_month date, channel text,
      grade text, disposition text, age_band text, usage_band text, new_purchase_category text,
      records integer not null,
      inspected integer not null,
      unique (purpose, cell_key)
    )`.execute(db);
  await sql`
    create table insight_cell_values (
      cell_id bigint not null,
      input smallint not null,
      value integer not null,
      n integer not null,
      primary key (cell_id, input, value)
    )`.execute(db);
  await sql`
    create table insight_cell_faults (
      cell_id bigint not null,
      code text not null,
      position smallint not null,
      n integer not null,
      primary key (cell_id, code, position)
    )`.execute(db);
  await sql`
    create table insight_members (
      subject_id uuid not null,
      purpose text not null,
      cell_id bigint not null,
      expires_at timestamptz,
      inspected boolean not null,
      usage_months integer, battery_pct integer, valuation_k integer, residual_bp integer, co2e_kg integer,
      faults text[],
      primary key (subject_id, purpose)
    )`.execute(db);
  await sql`create index insight_members_expiry_idx on insight_members (purpose, expires_at) where expires_at is not null`.execute(db);

  // The subjects' contributions per consented purpose at instant p_at. No "all subjects" branch: an
  // `is null or` would leave a cached generic plan scanning every link for each writing statement.
  await sql
    .raw(
      `
    create function insight_store_contributions(p_subjects uuid[], p_at timestamptz)
    returns table (subject_id uuid, purpose text, expires_at timestamptz, cell_key text,
      category text, brand text, model text, region_code text, trade_in_month date, channel text,
      grade text, disposition text, age_band text, usage_band text, new_purchase_category text,
      inspected boolean, usage_months integer, battery_pct integer, valuation_k integer, residual_bp integer, co2e_kg integer, faults text[])
    language sql stable as $$
      with latest as (
        select distinct on (rs.subject_id) rs.subject_id, r.*
        from record_subjects rs join records r on r.id = rs.record_id
        where rs.subject_id = any(p_subjects)
        order by rs.subject_id, r.trade_in_month desc, r.id desc
      ), x as (
        select c.purpose, c.expires_at, r.subject_id, r.category, r.brand, r.model, r.region_code, r.trade_in_month, r.channel,
          i.grade, d.disposition, ${AGE_BAND} as age_band, ${USAGE_BAND} as usage_band, r.new_purchase_category,
          i.record_id is not null as inspected, r.usage_months::integer as usage_months, i.battery_health_pct::integer as battery_pct,
          (coalesce(i.final_valuation_fen, r.quoted_valuation_fen) / 1000)::integer as valuation_k,
          case when cm.launch_price_fen > 0 then least(coalesce(i.final_valuation_fen, r.quoted_valuation_fen) * 10000 / cm.launch_price_fen, 2000000000)::integer end as residual_bp,
          case when d.record_id is not null then round(${CO2E})::integer end as co2e_kg,
          i.faults
        from latest r
        join consents c on c.subject_id = r.subject_id and c.status = 'granted' and (c.expires_at is null or c.expires_at > p_at)
        left join lateral (select * from inspections x where x.record_id = r.id order by x.created_at desc, x.id desc limit 1) i on true
        left join lateral (select * from dispositions y where y.record_id = r.id order by y.created_at desc, y.id desc limit 1) d on true
        left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model
      )
      select subject_id, purpose, expires_at, ${CELL_KEY}, ${KEY_COLUMNS},
        inspected, usage_months, battery_pct, valuation_k, residual_bp, co2e_kg, faults
      from x
    $$`,
    )
    .execute(db);

  // Takes the subjects' current contributions out of the cells.
  await sql
    .raw(
      `
    create function insight_store_remove(p_subjects uuid[]) returns void
    language plpgsql security definer set search_path from current as $$
    declare touched bigint[];
    begin
      with old as (
        delete from insight_members m where m.subject_id = any(p_subjects) returning m.*
      ), cells as (
        update insight_cells c set records = c.records - o.n, inspected = c.inspected - o.i
        from (select cell_id, count(*)::int as n, (count(*) filter (where inspected))::int as i from old group by cell_id) o
        where c.id = o.cell_id returning c.id
      ), vals as (
        update insight_cell_values v set n = v.n - o.n
        from (select cell_id, x.input, x.value, count(*)::int as n from old
              cross join lateral (values (1::smallint, usage_months), (2::smallint, battery_pct), (3::smallint, valuation_k), (4::smallint, residual_bp), (5::smallint, co2e_kg)) x(input, value)
              where x.value is not null group by 1, 2, 3) o
        where v.cell_id = o.cell_id and v.input = o.input and v.value = o.value returning v.cell_id
      ), flt as (
        update insight_cell_faults f set n = f.n - o.n
        from (select cell_id, u.code, u.position::smallint as position, count(*)::int as n from old
              cross join lateral unnest(faults) with ordinality u(code, position) group by 1, 2, 3) o
        where f.cell_id = o.cell_id and f.code = o.code and f.position = o.position returning f.cell_id
      )
      select array_agg(id) into touched from (select id from cells union select cell_id from vals union select cell_id from flt) t;
      if touched is not null then
        delete from insight_cell_values where cell_id = any(touched) and n = 0;
        delete from insight_cell_faults where cell_id = any(touched) and n = 0;
      end if;
    end $$`,
    )
    .execute(db);

  // Adds the subjects' contributions at p_at (the rebuild passes every subject).
  await sql
    .raw(
      `
    create function insight_store_add(p_subjects uuid[], p_at timestamptz) returns void
    language plpgsql security definer set search_path from current as $$
    begin
      with x as materialized (
        select * from insight_store_contributions(p_subjects, p_at)
      ), cells as (
        insert into insight_cells (purpose, cell_key, ${KEY_COLUMNS}, records, inspected)
        select purpose, cell_key, ${KEY_COLUMNS}, count(*)::int, (count(*) filter (where inspected))::int
        from x group by purpose, cell_key, ${KEY_COLUMNS}
        order by purpose, cell_key
        on conflict (purpose, cell_key) do update set records = insight_cells.records + excluded.records, inspected = insight_cells.inspected + excluded.inspected
        returning id, purpose, cell_key
      ), members as (
        insert into insight_members (subject_id, purpose, cell_id, expires_at, inspected, usage_months, battery_pct, valuation_k, residual_bp, co2e_kg, faults)
        select x.subject_id, x.purpose, cells.id, x.expires_at, x.inspected, x.usage_months, x.battery_pct, x.valuation_k, x.residual_bp, x.co2e_kg, x.faults
        from x join cells using (purpose, cell_key)
        returning cell_id, usage_months, battery_pct, valuation_k, residual_bp, co2e_kg, faults
      ), vals as (
        insert into insight_cell_values (cell_id, input, value, n)
        select m.cell_id, v.input, v.value, count(*)::int from members m
        cross join lateral (values (1::smallint, usage_months), (2::smallint, battery_pct), (3::smallint, valuation_k), (4::smallint, residual_bp), (5::smallint, co2e_kg)) v(input, value)
        where v.value is not null group by 1, 2, 3 order by 1, 2, 3
        on conflict (cell_id, input, value) do update set n = insight_cell_values.n + excluded.n
        returning 1
      )
      insert into insight_cell_faults (cell_id, code, position, n)
      select m.cell_id, u.code, u.position::smallint, count(*)::int from members m
      cross join lateral unnest(m.faults) with ordinality u(code, position)
      group by 1, 2, 3 order by 1, 2, 3
      on conflict (cell_id, code, position) do update set n = insight_cell_faults.n + excluded.n;
    end $$`,
    )
    .execute(db);

  await sql
    .raw(
      `
    create function insight_store_refresh(p_subjects uuid[], p_at timestamptz) returns void
    language plpgsql security definer set search_path from current as $$
    begin
      if coalesce(cardinality(p_subjects), 0) = 0 then return; end if;
      perform insight_store_remove(p_subjects);
      perform insight_store_add(p_subjects, p_at);
    end $$`,
    )
    .execute(db);

  // Consents whose expiry passed by p_at stop counting: run by the query, in its transaction, before it reads.
  await sql
    .raw(
      `
    create function insight_store_expire(p_purpose text, p_at timestamptz) returns integer
    language plpgsql security definer set search_path from current as $$
    declare due uuid[];
    begin
      select array_agg(subject_id) into due from insight_members where purpose = p_purpose and expires_at <= p_at;
      perform insight_store_refresh(due, p_at);
      return coalesce(cardinality(due), 0);
    end $$`,
    )
    .execute(db);

  // Statement-level: one refresh per writing statement, over the subjects its rows touch.
  await sql
    .raw(
      `
    create function insight_store_changed() returns trigger
    language plpgsql security definer set search_path from current as $$
    declare added uuid[]; removed uuid[];
    begin
      if TG_OP <> 'DELETE' then execute format(TG_ARGV[0], 'insight_new') into added; end if;
      if TG_OP <> 'INSERT' then execute format(TG_ARGV[0], 'insight_old') into removed; end if;
      perform insight_store_refresh(array(select distinct s from unnest(coalesce(added, '{}') || coalesce(removed, '{}')) s order by s), now());
      return null;
    end $$`,
    )
    .execute(db);
  for (const [table, subjects] of Object.entries(SUBJECTS_OF)) {
    const argument = sql.lit(subjects);
    await sql`create trigger ${sql.raw(`${table}_store_insert`)} after insert on ${sql.raw(table)}
      referencing new table as insight_new for each statement execute function insight_store_changed(${argument})`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_store_update`)} after update on ${sql.raw(table)}
      referencing old table as insight_old new table as insight_new for each statement execute function insight_store_changed(${argument})`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_store_delete`)} after delete on ${sql.raw(table)}
      referencing old table as insight_old for each statement execute function insight_store_changed(${argument})`.execute(db);
  }

  // Whatever the base tables already hold.
  await sql`select insight_store_add(array(select distinct subject_id from record_subjects), now())`.execute(db);

  // The analytics role reads the cells (counts per purpose and dimension tuple; no party or subject named)
  // and runs the expiry sweep. Members name subjects: only the security-definer functions and the owner
  // (the rebuild) touch them; hub_admin may read them, under row-level security.
  await sql`grant select on insight_cells, insight_cell_values, insight_cell_faults to hub_analytics`.execute(db);
  await sql`revoke all on function insight_store_add(uuid[], timestamptz), insight_store_remove(uuid[]), insight_store_refresh(uuid[], timestamptz) from public`.execute(
    db,
  );
  await sql`revoke all on function insight_store_expire(text, timestamptz) from public`.execute(db);
  await sql`grant execute on function insight_store_expire(text, timestamptz) to hub_analytics`.execute(db);
  await sql`alter table insight_members enable row level security`.execute(db);
  await sql`create policy insight_members_admin on insight_members to hub_admin using (false)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(SUBJECTS_OF)) {
    for (const event of ['insert', 'update', 'delete'])
      await sql`drop trigger if exists ${sql.raw(`${table}_store_${event}`)} on ${sql.raw(table)}`.execute(db);
  }
  await sql`drop function if exists insight_store_changed()`.execute(db);
  await sql`drop function if exists insight_store_expire(text, timestamptz)`.execute(db);
  await sql`drop function if exists insight_store_refresh(uuid[], timestamptz)`.execute(db);
  await sql`drop function if exists insight_store_add(uuid[], timestamptz)`.execute(db);
  await sql`drop function if exists insight_store_remove(uuid[])`.execute(db);
  await sql`drop function if exists insight_store_contributions(uuid[], timestamptz)`.execute(db);
  await sql`drop table if exists insight_members`.execute(db);
  await sql`drop table if exists insight_cell_faults`.execute(db);
  await sql`drop table if exists insight_cell_values`.execute(db);
  await sql`drop table if exists insight_cells`.execute(db);
}
