// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Every purpose-bound decision, allowed or denied, hash-chained: each entry carries the previous
  // entry's hash. One global order (seq), written under the chain-head lock below.
  await sql`
    create table access_log (
      seq bigint primary key,
      id uuid not null,
      party_id text,
      purpose text not null,
      policy_id text,
      policy_version integer,
      decision text not null check (decision in ('allow', 'deny')),
      matched_rules text[] not null,
      request jsonb not null,
      rows_released integer not null,
      rows_suppressed integer not null,
      subjects_counted integer not null,
      price_fen bigint not null,
      created_at timestamptz not null,
      prev_hash bytea,
      hash bytea not null
    )`.execute(db);
  await sql`create index access_log_party_idx on access_log (party_id, seq)`.execute(db);
  // The chain head: locking this row serialises appends, so no two entries claim the same predecessor.
  await sql`insert into hub_settings (key, value) values ('access_log_head', '0')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists access_log`.execute(db);
  await sql`delete from hub_settings where key = 'access_log_head'`.execute(db);
}
