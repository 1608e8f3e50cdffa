import pino, { type Logger } from 'pino';

/**
 * The hub's structured logger. Lines carry ids, counts, codes and timings — never document values, tokens
 * or request bodies. Redaction is the second line of defence for fields that must never be logged even by
 * mistake.
 */
export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tradein-hub' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['authorization', 'token', 'headers.authorization', 'req.headers.authorization', 'documents', 'document', 'subjectRef', 'externalRef'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };

/**
 * What of an unexpected error may be logged: its class, a driver's error code and the stack frames — not
 * its message, which (a driver's, say) may quote a submitted value.
 */
export function safeErrorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const cause = (error as { originalError?: unknown }).originalError;
  if (cause instanceof Error) return safeErrorSummary(cause);
  const code: unknown = (error as { code?: unknown }).code;
  return {
    name: error.name,
    code: typeof code === 'string' ? code : undefined,
    frames: error.stack
      ?.split('\n')
      .slice(1, 8)
      .map((frame) => frame.trim()),
  };
}
