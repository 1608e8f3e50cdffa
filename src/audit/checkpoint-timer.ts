import type { Logger } from 'pino';
import { startBackgroundRounds } from '../background-rounds.ts';
import { signCheckpoints, type CheckpointContext } from './checkpoint.service.ts';

/**
 * Signs checkpoints every `intervalSeconds` in the serving process (HUB_CHECKPOINT_INTERVAL_SECONDS; 0 turns
 * it off, as tests leave it). A failed round (the database down) is logged and the next one tries again.
 * Returns the function that stops it.
 */
export function startCheckpointTimer(context: CheckpointContext, intervalSeconds: number, logger: Logger): () => void {
  return startBackgroundRounds(
    'audit.checkpoint',
    intervalSeconds,
    async () => {
      const signed = await signCheckpoints(context);
      logger.info({ event: 'audit.checkpoint_signed', chains: signed.map((s) => ({ chain: s.claims.chain, length: s.claims.length })) }, 'checkpoints signed');
    },
    logger,
  );
}
