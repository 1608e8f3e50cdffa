import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { safeErrorSummary } from '../server/logger.ts';
import { drainQueuedUpkeep } from './insights.repository.ts';

/**
 * Applies ingest's queued store upkeep in the background while the hub serves: every `intervalSeconds`
 * (HUB_STORE_DRAIN_INTERVAL_SECONDS; 0 turns it off) the queue is drained in a transaction of its own, so
 * the partner's batch commits without the store's refresh and the next query seldom has a queue to apply
 * (it still drains whatever is left first, so answers stay exact). A round never overlaps the previous one;
 * a failed round is logged and the next tick retries. Returns the function that stops it.
 */
export function startStoreDrainTimer(db: Db, intervalSeconds: number, logger: Logger): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    db.transaction()
      .execute((tx) => drainQueuedUpkeep(tx, new Date()))
      .then(
        (subjects) => {
          if (subjects > 0) logger.debug({ event: 'insights.store_drained', subjects }, 'queued store upkeep applied');
        },
        (error: unknown) => logger.error({ event: 'insights.store_drain_failed', err: safeErrorSummary(error) }, 'store drain round failed'),
      )
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
