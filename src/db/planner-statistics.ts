import { sql } from 'kysely';
import type { DbOrTx } from './database.ts';

/**
 * Refreshes the planner's statistics of every table (`ANALYZE`), as the owner. A PostgreSQL server's
 * autovacuum does this after large loads; the embedded PGlite runs no autovacuum, so after a bulk load (the
 * demo's seed) the planner would still believe the tables empty and pick nested loops over thousands of rows.
 */
export async function refreshPlannerStatistics(db: DbOrTx): Promise<void> {
  await sql`analyze`.execute(db);
}

/**
 * Analyzes the tables of the hub's schema that changed enough since their last `ANALYZE`, by autovacuum's
 * own rule (more than 50 rows plus a tenth of the table modified), and returns their names: what autovacuum
 * would do on a server, for the embedded PGlite, which has none. The counts come from the statistics
 * system, which may lag a running transaction by a second or so; the next round catches what one missed.
 */
export async function analyzeChangedTables(db: DbOrTx): Promise<string[]> {
  const { rows } = await sql<{ relname: string }>`
    select s.relname from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema() and s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
    order by s.relname`.execute(db);
  for (const { relname } of rows) await sql`analyze ${sql.table(relname)}`.execute(db);
  return rows.map((row) => row.relname);
}
