// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // ε spent per party × purpose × calendar month (UTC), for purposes under differential privacy. A query
  // locks its row, checks the budget and adds its ε in the transaction that releases the answer.
  await sql`
    create table dp_budget (
      party_id text not null,
      purpose text not null,
      month date not null,
      epsilon_spent numeric(12, 6) not null,
      queries integer not null,
      updated_at timestamptz not null,
      primary key (party_id, purpose, month)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists dp_budget`.execute(db);
}
