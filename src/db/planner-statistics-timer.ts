import type { Logger } from 'pino';
import { safeErrorSummary } from '../server/logger.ts';
import type { DbOrTx } from './database.ts';
import { analyzeChangedTables } from './planner-statistics.ts';

/**
 * Keeps the embedded database's planner statistics current while the hub serves: every `intervalSeconds`
 * (HUB_ANALYZE_INTERVAL_SECONDS; 0 turns it off) the tables that changed enough are analyzed. Only the
 * serving process on PGlite starts it; a PostgreSQL server's autovacuum does the same. A round never
 * overlaps the previous one, and a failed round is logged and retried at the next tick. Returns the
 * function that stops it.
 */
export function startPlannerStatisticsTimer(db: DbOrTx, intervalSeconds: number, logger: Logger): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    analyzeChangedTables(db)
      .then(
        (tables) => {
          if (tables.length > 0) logger.info({ event: 'db.analyzed', tables }, 'planner statistics refreshed');
        },
        (error: unknown) => logger.error({ event: 'db.analyze_failed', err: safeErrorSummary(error) }, 'planner statistics round failed'),
      )
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
