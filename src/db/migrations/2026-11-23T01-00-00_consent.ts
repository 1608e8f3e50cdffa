// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The consent ledger is append-only and hash-chained per subject; `consents` is its projection (current
// state per subject × purpose), written in the same transaction. Both are subject-owned: `subject_id` leads
// their primary keys so they distribute with the subject vault.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table consent_events (
      subject_id uuid not null,
      seq integer not null check (seq >= 1),
      id uuid not null,
      purpose text not null,
      action text not null check (action in ('grant', 'refuse', 'withdraw')),
      status text not null check (status in ('granted', 'refused', 'withdrawn')),
      policy_version integer not null,
      terms jsonb not null,
      expires_at timestamptz,
      receipt_id uuid not null,
      receipt text not null,
      prev_hash bytea,
      hash bytea not null,
      created_at timestamptz not null,
      primary key (subject_id, seq)
    )`.execute(db);

  await sql`
    create table consents (
      subject_id uuid not null,
      purpose text not null,
      status text not null check (status in ('granted', 'refused', 'withdrawn')),
      event_id uuid not null,
      granted_at timestamptz,
      expires_at timestamptz,
      updated_at timestamptz not null,
      primary key (subject_id, purpose)
    )`.execute(db);
  // Insights join consent inside the aggregate: "who consents to this purpose now".
  await sql`create index consents_purpose_granted_idx on consents (purpose, subject_id) where status = 'granted'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists consents`.execute(db);
  await sql`drop table if exists consent_events`.execute(db);
}
