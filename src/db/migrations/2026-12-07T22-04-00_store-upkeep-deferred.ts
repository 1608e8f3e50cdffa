// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The analytic store's upkeep on writes, cut (issue #13 targets; bench/README.md "The analytic store").
// Measured on the bench's 200k data set, an ingest batch of 1,000 trade-ins spent ~1 s in the refresh that
// the record_subjects insert trigger ran inside the batch's transaction (69× the batch's own inserts): a
// 20-CTE statement over 1,000 subjects touching ~40 summary keys each, plus ~0.3 s compiling it with JIT and
// seq scans of the cells, members, faults and labels the bulk plan chose over index lookups.
//
//   Additions are queued, not applied, in the writing transaction. An insert into records, record_subjects,
//   inspections or dispositions only adds a subject's contribution or replaces it by a newer one; no answer
//   needs it before the next query. The insert triggers append the subjects to insight_store_pending (one
//   row per subject, no index, no unique key: a writer never waits on a drainer), and every store read
//   drains the queue first, inside its own transaction (insight_store_expire, which every consent-based
//   query and the rebuild already run before reading). So every answer still equals the naive SQL over the
//   base tables at its instant; what moved is who pays: the first query after an ingest refreshes the queued
//   subjects (bench/README.md gives the figure).
//   Everything that takes away stays in the writing transaction: consents (a withdrawal is out of the store
//   before its transaction commits), updates and deletes of every table (corrections, wipes: a wiped
//   subject's member row is gone at commit), catalogue changes.
//
//   Queued and synchronous refreshes compose: a refresh recomputes a subject's whole contribution from the
//   base tables and replaces what the members say it added, so refreshing a subject again, in any order,
//   changes nothing. A subject queued by a transaction a drainer cannot see yet stays queued for the next.
//
//   The bulk refresh (more than 50 subjects: drains after ingest, the rebuild) runs without JIT (~0.3 s of
//   every call compiling a plan that runs once) and without seq scans: costed for its size it hashed whole
//   summary tables (cells, members, faults, labels) to find the few thousand keys it touches.
import { type Kysely, sql } from 'kysely';

// Each table's inserted rows → the subjects whose contribution may grow (as in 2026-12-07T20-01-00).
const QUEUED_ON_INSERT: Readonly<Record<string, string>> = {
  records: 'select rs.subject_id from changed_new n join record_subjects rs on rs.record_id = n.id',
  record_subjects: 'select subject_id from changed_new',
  inspections: 'select rs.subject_id from changed_new n join record_subjects rs on rs.record_id = n.record_id',
  dispositions: 'select rs.subject_id from changed_new n join record_subjects rs on rs.record_id = n.record_id',
};

export async function up(db: Kysely<any>): Promise<void> {
  // Subjects whose contribution changed and is not yet in the store. Names subjects: like insight_members,
  // only the security-definer upkeep functions touch it.
  await sql`create table insight_store_pending (subject_id uuid not null)`.execute(db);
  await sql`alter table insight_store_pending enable row level security`.execute(db);
  await sql`create policy insight_store_pending_admin on insight_store_pending to hub_admin using (false)`.execute(db);

  // Applies the queue: every subject queued by a committed transaction (and by this one), refreshed at p_at.
  // A concurrent drainer waits on the rows this one deletes and then finds them gone.
  await sql
    .raw(
      `
    create function insight_store_drain(p_at timestamptz) returns integer
    language plpgsql security definer set search_path from current as $$
    declare due uuid[];
    begin
      with taken as (delete from insight_store_pending returning subject_id)
      select array_agg(distinct subject_id order by subject_id) into due from taken;
      perform insight_store_refresh(due, p_at);
      return coalesce(cardinality(due), 0);
    end $$`,
    )
    .execute(db);
  await sql`revoke all on function insight_store_drain(timestamptz) from public`.execute(db);

  // Every read runs this first (the query path and the rebuild): the queue, then the consents due.
  await sql
    .raw(
      `
    create or replace function insight_store_expire(p_purpose text, p_at timestamptz) returns integer
    language plpgsql security definer set search_path from current set plan_cache_mode = force_custom_plan as $$
    declare due uuid[];
    begin
      perform insight_store_drain(p_at);
      select array_agg(subject_id) into due from insight_members where purpose = p_purpose and expires_at <= p_at;
      perform insight_store_refresh(due, p_at);
      return coalesce(cardinality(due), 0);
    end $$`,
    )
    .execute(db);

  for (const [table, subjects] of Object.entries(QUEUED_ON_INSERT)) {
    await sql
      .raw(
        `
      create or replace function insight_store_on_${table}_insert() returns trigger
      language plpgsql security definer set search_path from current as $$
      begin
        insert into insight_store_pending (subject_id) select distinct s.subject_id from (${subjects}) s;
        return null;
      end $$`,
      )
      .execute(db);
  }

  await sql`alter function insight_store_refresh_bulk(uuid[], timestamptz) set jit = off`.execute(db);
  await sql`alter function insight_store_refresh_bulk(uuid[], timestamptz) set enable_seqscan = off`.execute(db);
  await sql`alter function insight_store_refresh(uuid[], timestamptz) set jit = off`.execute(db);
}

// The landed bodies (2026-12-07T20-01-00), restored by down().
const REFRESHED_ON_INSERT: Readonly<Record<string, string>> = {
  records: 'select rs.subject_id from record_subjects rs where rs.record_id in (select id from changed_new)',
  record_subjects: 'select subject_id from changed_new',
  inspections: 'select rs.subject_id from record_subjects rs where rs.record_id in (select record_id from changed_new)',
  dispositions: 'select rs.subject_id from record_subjects rs where rs.record_id in (select record_id from changed_new)',
};

export async function down(db: Kysely<any>): Promise<void> {
  // What is queued is applied first; then the landed bodies and settings.
  await sql`select insight_store_drain(now())`.execute(db);
  for (const [table, subjects] of Object.entries(REFRESHED_ON_INSERT)) {
    await sql
      .raw(
        `
      create or replace function insight_store_on_${table}_insert() returns trigger
      language plpgsql security definer set search_path from current as $$
      begin
        perform insight_store_refresh(array(select distinct s.subject_id from (${subjects}) s where s.subject_id is not null order by 1), now());
        return null;
      end $$`,
      )
      .execute(db);
  }
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
  await sql`drop function if exists insight_store_drain(timestamptz)`.execute(db);
  await sql`drop table if exists insight_store_pending`.execute(db);
  await sql`alter function insight_store_refresh_bulk(uuid[], timestamptz) reset jit`.execute(db);
  await sql`alter function insight_store_refresh_bulk(uuid[], timestamptz) reset enable_seqscan`.execute(db);
  await sql`alter function insight_store_refresh(uuid[], timestamptz) reset jit`.execute(db);
}
