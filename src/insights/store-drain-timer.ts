import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { startBackgroundRounds } from '../background-rounds.ts';
import { drainQueuedUpkeep } from './insights.repository.ts';

/**
 * Applies ingest's queued store upkeep in the background while the hub serves: every `intervalSeconds`
 * (HUB_STORE_DRAIN_INTERVAL_SECONDS; 0 turns it off) the queue is drained in a transaction of its own, so
 * the partner's batch commits without the store's refresh and the next query seldom has a queue to apply
 * (it still drains whatever is left first, so answers stay exact). Returns the function that stops it.
 */
export function startStoreDrainTimer(db: Db, intervalSeconds: number, logger: Logger): () => void {
  return startBackgroundRounds(
    'insights.store_drain',
    intervalSeconds,
    async () => {
      const subjects = await db.transaction().execute((tx) => drainQueuedUpkeep(tx, new Date()));
      if (subjects > 0) logger.debug({ event: 'insights.store_drained', subjects }, 'queued store upkeep applied');
    },
    logger,
  );
}
