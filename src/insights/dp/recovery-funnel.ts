/**
 * A recovery funnel: of the devices traded in, how many were inspected and how many reached a disposition,
 * and the recovery rate (disposed ÷ traded in). Pure post-processing of three counts, so under differential
 * privacy it costs no ε beyond the noisy counts themselves.
 */
export interface RecoveryFunnel {
  tradedIn: number;
  inspected: number;
  disposed: number;
  /** disposed ÷ traded in, within [0, 1]; null when nothing was traded in. */
  recoveryRate: number | null;
}

/**
 * Makes three noisy stage counts a funnel again: 0 ≤ disposed ≤ inspected ≤ traded in. Traded in is the
 * row's released count and stays as it is (the row's other figures use it). Where the noise put disposed
 * above inspected the two are pooled to their mean first (pool-adjacent-violators: both carry noise of
 * one scale, so the mean is the least-squares monotone fit and does not bias a funnel with every inspected
 * device disposed downwards, as clamping disposed to inspected would), then each is clamped into its range.
 * The rate is derived from the released counts, so it is clamped to [0, 1] with them.
 */
export function monotoneFunnel(tradedIn: number, noisyInspected: number, noisyDisposed: number): RecoveryFunnel {
  const top = Math.max(0, tradedIn);
  let inspected = noisyInspected;
  let disposed = noisyDisposed;
  if (disposed > inspected) {
    inspected = Math.round((inspected + disposed) / 2);
    disposed = inspected;
  }
  inspected = Math.min(top, Math.max(0, inspected));
  disposed = Math.min(inspected, Math.max(0, disposed));
  return { tradedIn: top, inspected, disposed, recoveryRate: top === 0 ? null : Math.min(1, Math.max(0, disposed / top)) };
}
