// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A party's data-use agreement for one purpose. Party-owned: `party_id` leads the key.
  await sql`
    create table agreements (
      party_id text not null,
      id uuid not null,
      purpose text not null,
      policy_version integer not null,
      status text not null check (status in ('requested', 'active', 'rejected', 'terminated')),
      requested_at timestamptz not null,
      decided_at timestamptz,
      decided_by text,
      valid_from timestamptz,
      valid_to timestamptz,
      terminated_at timestamptz,
      terminated_by text,
      primary key (party_id, id)
    )`.execute(db);
  await sql`create index agreements_party_purpose_idx on agreements (party_id, purpose, status)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists agreements`.execute(db);
}
