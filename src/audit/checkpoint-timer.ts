import type { Logger } from 'pino';
import { safeErrorSummary } from '../server/logger.ts';
import { signCheckpoints, type CheckpointContext } from './checkpoint.service.ts';

/**
 * Signs checkpoints every `intervalSeconds` in the serving process (HUB_CHECKPOINT_INTERVAL_SECONDS; 0 turns
 * it off, as tests leave it). A failed round (the database down) is logged and the next one tries again.
 * Returns the function that stops it.
 */
export function startCheckpointTimer(context: CheckpointContext, intervalSeconds: number, logger: Logger): () => void {
  if (intervalSeconds <= 0) return () => {};
  const timer = setInterval(() => {
    signCheckpoints(context).then(
      (signed) =>
        logger.info(
          { event: 'audit.checkpoint_signed', chains: signed.map((s) => ({ chain: s.claims.chain, length: s.claims.length })) },
          'checkpoints signed',
        ),
      (error: unknown) => logger.error({ event: 'audit.checkpoint_failed', err: safeErrorSummary(error) }, 'checkpoint round failed'),
    );
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
