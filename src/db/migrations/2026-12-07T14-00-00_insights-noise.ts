// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
import { type Kysely, sql } from 'kysely';

/** Every table an insights answer reads: a committed change to any of them is a new version of the data. */
const WATCHED_TABLES = ['records', 'record_subjects', 'inspections', 'dispositions', 'catalogue_models', 'consents'] as const;

/** Counter shards: writers on different connections bump different rows, so ingest does not queue on one row. */
const SHARDS = 16;

export async function up(db: Kysely<any>): Promise<void> {
  // The version of the data insights read, for consistent noise: the sum of the shards is the number of
  // committed writing statements on the watched tables. A query reads the sum in its own snapshot, so two
  // queries that see different data see different sums (committed bumps only ever add), and the same
  // request over the same data draws the same noise.
  await sql`
    create table insight_data_version (
      shard smallint primary key,
      changes bigint not null
    )`.execute(db);
  await sql`insert into insight_data_version (shard, changes) select g, 0 from generate_series(0, ${sql.lit(SHARDS - 1)}) as g`.execute(db);
  await sql`
    create function insight_data_changed() returns trigger language plpgsql security definer set search_path from current as $$
    begin
      update insight_data_version set changes = changes + 1 where shard = pg_backend_pid() % ${sql.raw(String(SHARDS))};
      return null;
    end $$`.execute(db);
  for (const table of WATCHED_TABLES) {
    await sql`
      create trigger ${sql.raw(`${table}_insight_data_changed`)} after insert or update or delete on ${sql.raw(table)}
      for each statement execute function insight_data_changed()`.execute(db);
  }
  // Consents also change without a write, when they expire: the query adds the latest expiry already
  // passed to the version, found through this index.
  await sql`create index consents_purpose_expires_idx on consents (purpose, expires_at) where expires_at is not null`.execute(db);

  // A party that asks again what it was already answered this month, over the same data, gets the same
  // noisy answer and pays no ε for it: one row per (party, purpose, month, request ⊕ data version).
  await sql`
    create table dp_releases (
      party_id text not null,
      purpose text not null,
      month date not null,
      release_digest text not null,
      created_at timestamptz not null,
      primary key (party_id, purpose, month, release_digest)
    )`.execute(db);

  // The serving roles (2026-12-07T12): a party sees and writes only its own releases (as its dp_budget
  // rows), through the analytics role that answers insights. The version counter holds no party's data; it
  // is bumped by the security-definer trigger function whoever writes, and read by the analytics role.
  const party = sql.raw(`nullif(current_setting('hub.party_id', true), '')`);
  await sql`grant select on insight_data_version to hub_app, hub_analytics`.execute(db);
  await sql`grant select, insert on dp_releases to hub_app, hub_analytics`.execute(db);
  await sql`alter table dp_releases enable row level security`.execute(db);
  await sql`
    create policy dp_releases_own_party on dp_releases to hub_app, hub_analytics
    using (party_id = ${party}) with check (party_id = ${party})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists dp_releases`.execute(db);
  await sql`drop index if exists consents_purpose_expires_idx`.execute(db);
  for (const table of WATCHED_TABLES) {
    await sql`drop trigger if exists ${sql.raw(`${table}_insight_data_changed`)} on ${sql.raw(table)}`.execute(db);
  }
  await sql`drop function if exists insight_data_changed()`.execute(db);
  await sql`drop table if exists insight_data_version`.execute(db);
}
