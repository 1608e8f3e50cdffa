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
