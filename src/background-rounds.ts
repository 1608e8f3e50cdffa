import type { Logger } from 'pino';
import { safeErrorSummary } from './server/logger.ts';

/**
 * Runs `round` every `intervalSeconds` in the serving process (0 turns it off). A round never overlaps the
 * previous one (a slow round makes the next tick skip), and a failed round — the database down — is logged
 * as `<event>_failed` and the next tick tries again. The timer does not hold the process open. Returns the
 * function that stops it.
 */
export function startBackgroundRounds(event: string, intervalSeconds: number, round: () => Promise<void>, logger: Logger): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    round()
      .catch((error: unknown) => logger.error({ event: `${event}_failed`, err: safeErrorSummary(error) }, `${event} round failed`))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
