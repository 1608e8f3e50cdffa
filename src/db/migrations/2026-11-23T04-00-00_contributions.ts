// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Which subjects each released query counted, at the policy's price per subject: what users see in
  // `me` and what the revenue share pays. Subject-owned: `subject_id` leads the key.
  await sql`
    create table contributions (
      subject_id uuid not null,
      query_id uuid not null,
      party_id text not null,
      purpose text not null,
      price_fen bigint not null,
      created_at timestamptz not null,
      primary key (subject_id, query_id)
    )`.execute(db);
  await sql`create index contributions_query_idx on contributions (query_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists contributions`.execute(db);
}
