/** How often and how patiently a batch is re-sent after a network error or a 5xx. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 });

/**
 * Milliseconds to wait before try `attempt + 1` (attempt counts from 1): exponential, capped at
 * maxDelayMs, with jitter in [50 %, 100 %] so that many pushers a failing hub shed do not return in
 * lockstep. A server's Retry-After (seconds) is honoured when longer, still capped. `random` is injected
 * so the schedule is testable.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(exponential * (0.5 + random() / 2));
  const requested = retryAfterSeconds === undefined ? 0 : Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
  return Math.max(jittered, requested);
}

/** Whether an HTTP status is worth a retry: the hub (or its proxy) was briefly unable, not the request wrong. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
