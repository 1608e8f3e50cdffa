import type { Logger } from 'pino';
import { startBackgroundRounds } from '../background-rounds.ts';
import type { DbOrTx } from './database.ts';
import { analyzeChangedTables } from './planner-statistics.ts';

/**
 * Keeps the embedded database's planner statistics current while the hub serves: every `intervalSeconds`
 * (HUB_ANALYZE_INTERVAL_SECONDS; 0 turns it off) the tables that changed enough are analyzed. Only the
 * serving process on PGlite starts it; a PostgreSQL server's autovacuum does the same. Returns the function
 * that stops it.
 */
export function startPlannerStatisticsTimer(db: DbOrTx, intervalSeconds: number, logger: Logger): () => void {
  return startBackgroundRounds(
    'db.analyze',
    intervalSeconds,
    async () => {
      const tables = await analyzeChangedTables(db);
      if (tables.length > 0) logger.info({ event: 'db.analyzed', tables }, 'planner statistics refreshed');
    },
    logger,
  );
}
