/** Min, median and max of some durations in milliseconds (rounded); all zero for none. */
export function summariseMs(values: readonly number[]): { n: number; min: number; p50: number; max: number } {
  if (values.length === 0) return { n: 0, min: 0, p50: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { n: sorted.length, min: Math.round(sorted[0]!), p50: Math.round(median), max: Math.round(sorted.at(-1)!) };
}

/** Polls `probe` every `intervalMs` until it returns true or `timeoutMs` passes; returns the milliseconds it took, or undefined on timeout. */
export async function waitUntil(probe: () => Promise<boolean>, options: { intervalMs?: number; timeoutMs: number }): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - started;
    if (performance.now() - started > options.timeoutMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
