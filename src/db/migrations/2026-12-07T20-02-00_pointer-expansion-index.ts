// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The payout close expands query pointers by trade-in month (issue 13, item 3): each pointer becomes the
// months its bounds cover, clamped to the months any record has. The first and last month are read from
// this index instead of a scan of every record; it also serves month-bounded reads of records generally.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index records_trade_in_month_idx on records (trade_in_month)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists records_trade_in_month_idx`.execute(db);
}
