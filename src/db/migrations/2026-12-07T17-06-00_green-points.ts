// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Green points (issue #15 item 6): a user's own ledger of the CO2e their recycled devices verifiably avoided,
// in points — not money, and apart from the revenue-share journal. One award per device per subject when
// the device's latest disposition is verified; a later disposition that changes the figure (or makes it
// unverified) posts a reversal of the standing award, then the new award. Never an update: the table is
// append-only like the ledger's.
//
// The award is posted by a statement-level trigger on `dispositions`, in the transaction that records the
// disposition, whatever statement wrote it (one row, a multi-row VALUES or an INSERT … SELECT): the trigger
// reads the statement's new rows as a transition table and posts every entry in one set-based INSERT.
// Dispositions already stored when the migration runs are judged once, by the same function.
//
// The rule, frozen here as literals (src/green/green-points-rule.ts is its specification, and
// test/green/green-points-database.test.ts checks these functions against it and against
// src/insights/carbon-factors.ts; a new factor set or rate is a new migration):
// - verified: the disposition is final (not `pending`) and its recycler is an active firm in the registry
//   that may do it — dismantling needs the dismantler capacity with its licence valid in the completion
//   month (the WEEE treatment licence); resale, refurbishment and parts harvesting a recycler, or such a
//   licensed dismantler. The document's own `processorLicensed` is a claim, not evidence: it counts for nothing.
// - kg CO2e: factor set tradein-hub-co2e-2026.1, rounded to grams; points = round(kg × 10).
import { type Kysely, sql } from 'kysely';

const SUBJECT = `nullif(current_setting('hub.subject_id', true), '')::uuid`;
const PLATFORM = `nullif(current_setting('hub.platform_id', true), '')`;
const PARTY = `nullif(current_setting('hub.party_id', true), '')`;
const OPERATOR = `exists (select from parties p where p.id = ${PARTY} and p.role = 'operator' and p.disabled_at is null)`;

export async function up(db: Kysely<any>): Promise<void> {
  // Subject-owned (Citus: distributed by subject_id, in the key). `seq` numbers one device's entries for
  // one subject; a reversal names the award it takes back.
  await sql`
    create table green_points (
      subject_id uuid not null,
      record_id uuid not null,
      seq integer not null check (seq > 0),
      platform_id text not null,
      kind text not null check (kind in ('award', 'reversal')),
      reverses_seq integer,
      disposition_id uuid not null,
      co2e_kg numeric(12, 3) not null,
      points integer not null,
      factor_set text not null,
      points_per_kg integer not null,
      month date not null,
      created_at timestamptz not null,
      primary key (subject_id, record_id, seq),
      check ((kind = 'reversal') = (reverses_seq is not null and reverses_seq < seq)),
      check ((kind = 'award') = (points >= 0 and co2e_kg >= 0))
    )`.execute(db);
  await sql`create index green_points_platform_month_idx on green_points (platform_id, month, subject_id)`.execute(db);
  await sql`create index green_points_record_idx on green_points (record_id)`.execute(db);

  await sql`
    create function green_points_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'green points are append-only: post a reversal' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger green_points_append_only before update or delete on green_points
    for each statement execute function green_points_append_only()`.execute(db);
  await sql`
    create trigger green_points_no_truncate before truncate on green_points
    for each statement execute function green_points_append_only()`.execute(db);

  // kg CO2e avoided by one device (factor set tradein-hub-co2e-2026.1, unrounded): the same expression as
  // co2eAvoidedSql() in src/insights/carbon-factors.ts.
  await sql`
    create function hub_co2e_avoided_kg(category text, disposition text, weight_kg numeric, refrigerant_type text, refrigerant_recovered_g integer)
    returns numeric language sql immutable as $$
      select case
        when disposition in ('resold_as_is', 'refurbished') then (case category
          when 'mobile_phone' then 49.2 when 'tablet' then 49.2 when 'smartwatch_band' then 49.2 when 'smart_glasses' then 49.2
          when 'computer' then 54 else 0 end)
        when disposition = 'dismantled_recycled' then coalesce(weight_kg, 0) * 4.7
          + coalesce(refrigerant_recovered_g, 0) / 1000.0 * (case refrigerant_type
            when 'R12' then 10900 when 'R22' then 1810 when 'R134a' then 1430 when 'R410A' then 2088 when 'R32' then 675
            when 'R600a' then 3 when 'R290' then 3 else 0 end)
        else 0 end
    $$`.execute(db);
  // Whether a disposition by a firm in this registry state earns points (the rule above).
  await sql`
    create function hub_green_verified(disposition text, completed_month date, status text, capacities text[], licence_valid_until date)
    returns boolean language sql immutable as $$
      select coalesce(disposition <> 'pending' and status = 'active' and (
        case when disposition = 'dismantled_recycled'
          then 'dismantler' = any(capacities) and licence_valid_until >= completed_month
          else 'recycler' = any(capacities) or ('dismantler' = any(capacities) and licence_valid_until >= completed_month)
        end), false)
    $$`.execute(db);

  // Posts what the latest disposition of each given device earns now, as the owner: it reads the records,
  // their subjects and the registry across parties, and writes entries nobody may write directly. Per
  // (subject, device) it compares that with the standing award (the last entry, when it is an award) and
  // posts only the difference: nothing when they agree (a repeat is idempotent), else a reversal and/or an
  // award. Entries are dated by the deciding disposition's created_at (the hub's clock), in UTC months.
  await sql`
    create function green_points_post(devices uuid[]) returns void language plpgsql security definer set search_path from current as $$
    begin
      -- Two transactions recording the same device queue here, in one order (no deadlock); the INSERT
      -- below, a statement of its own, then sees the other's disposition and entries once it committed
      -- (read committed; otherwise the primary key refuses the second's entry and its batch fails whole).
      perform pg_advisory_xact_lock(hashtext('green_points'), k) from (select distinct hashtext(d::text) as k from unnest(devices) d) keys order by k;
      insert into green_points (subject_id, record_id, seq, platform_id, kind, reverses_seq, disposition_id, co2e_kg, points,
                                factor_set, points_per_kg, month, created_at)
      with latest as (
        select distinct on (d.record_id) d.*
        from dispositions d where d.record_id = any(devices)
        order by d.record_id, d.created_at desc, d.id desc
      ),
      judged as (
        select l.id as disposition_id, l.record_id, l.created_at,
          hub_green_verified(l.disposition, l.completed_month, f.status, f.capacities, f.licence_valid_until) as verified,
          round(hub_co2e_avoided_kg(r.category, l.disposition, l.weight_kg, l.refrigerant_type, l.refrigerant_recovered_g), 3) as kg
        from latest l join records r on r.id = l.record_id left join firms f on f.party_id = l.recycler_id
      ),
      standing as (
        select distinct on (g.subject_id, g.record_id) g.subject_id, g.record_id, g.seq, g.kind, g.co2e_kg, g.points, g.factor_set, g.points_per_kg
        from green_points g where g.record_id = any(devices)
        order by g.subject_id, g.record_id, g.seq desc
      ),
      plan as (
        select rs.subject_id, rs.platform_id, j.*, coalesce(s.seq, 0) as last_seq, coalesce(s.kind = 'award', false) as awarded,
          s.co2e_kg as award_kg, s.points as award_points, s.factor_set as award_factor_set, s.points_per_kg as award_rate,
          (s.kind is distinct from 'award' or s.co2e_kg <> j.kg or s.factor_set <> 'tradein-hub-co2e-2026.1' or s.points_per_kg <> 10) as changed
        from judged j join record_subjects rs on rs.record_id = j.record_id
        left join standing s on s.subject_id = rs.subject_id and s.record_id = j.record_id
      )
      select subject_id, record_id, last_seq + 1, platform_id, 'reversal', last_seq, disposition_id, -award_kg, -award_points,
             award_factor_set, award_rate, date_trunc('month', created_at at time zone 'UTC')::date, created_at
      from plan where awarded and (not verified or changed)
      union all
      select subject_id, record_id, last_seq + (case when awarded then 2 else 1 end), platform_id, 'award', null, disposition_id, kg,
             round(kg * 10)::integer, 'tradein-hub-co2e-2026.1', 10, date_trunc('month', created_at at time zone 'UTC')::date, created_at
      from plan where verified and changed;
    end $$`.execute(db);
  // The devices the statement's new dispositions are about.
  await sql`
    create function green_points_award() returns trigger language plpgsql security definer set search_path from current as $$
    begin
      perform green_points_post(array(select distinct record_id from new_dispositions));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger dispositions_green_points after insert on dispositions
    referencing new table as new_dispositions
    for each statement execute function green_points_award()`.execute(db);
  // Dispositions recorded before this migration earn their points now, judged by today's registry and
  // dated when they were recorded.
  await sql`select green_points_post(array(select distinct record_id from dispositions))`.execute(db);
  for (const fn of [
    'hub_co2e_avoided_kg(text, text, numeric, text, integer)',
    'hub_green_verified(text, date, text, text[], date)',
    'green_points_post(uuid[])',
    'green_points_award()',
  ]) {
    await sql`revoke all on function ${sql.raw(fn)} from public`.execute(db);
  }

  // Read by the user it belongs to, by that user's platform (its statement), and by the operator. Nobody
  // writes it but the trigger.
  await sql`grant select on green_points to hub_app`.execute(db);
  await sql`alter table green_points enable row level security`.execute(db);
  await sql`
    create policy green_points_own on green_points for select to hub_app
    using ((subject_id = ${sql.raw(SUBJECT)} and platform_id = ${sql.raw(PLATFORM)}) or platform_id = ${sql.raw(PARTY)} or ${sql.raw(OPERATOR)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists dispositions_green_points on dispositions`.execute(db);
  await sql`drop function if exists green_points_award()`.execute(db);
  await sql`drop function if exists green_points_post(uuid[])`.execute(db);
  await sql`drop table if exists green_points`.execute(db);
  await sql`drop function if exists green_points_append_only()`.execute(db);
  await sql`drop function if exists hub_green_verified(text, date, text, text[], date)`.execute(db);
  await sql`drop function if exists hub_co2e_avoided_kg(text, text, numeric, text, integer)`.execute(db);
}
