import { discreteLaplace } from './discrete-laplace.ts';
import type { NoiseStream } from './noise-stream.ts';

/**
 * The q-quantile of one group by Report Noisy Max over the edges of a bounded histogram (Dwork & Roth
 * §3.3, with discrete Laplace noise): each edge e_j scores −|10·C(e_j) − 10q·n| − tilt·d(e_j), where C(e_j)
 * counts the group's records below the edge; the edge with the highest noisy score is released.
 *
 * Sensitivity: one record moves C and n by one, so |10·C − 10q·n| by at most 10 (times records per
 * subject); the tilt term does not depend on the records at all (it is a data-independent prior over the
 * edges, computed from public bounds and an already released noisy count), so the score's sensitivity
 * stays 10·L, and noise of scale 2Δ/ε makes the choice ε-DP. Integer scores and integer noise throughout.
 *
 * Why the tilt: every edge beyond the group's data scores the same, −10(1−q)·n for an upper quantile. A
 * small row's P90 is only (1−q)·n ranks from that plateau, and the plateau (the empty range up to the
 * policy's max, often most of it) has so many edges that one of them usually won the noisy max: the P90 of a
 * 200-device row came out near 120 months. d(e_j) counts edges from the side the quantile lies towards
 * (from the bottom for q > ½, from the top for q < ½; none for the median), so edges deep into the empty
 * plateau score ever lower and the plateau's weight shrinks from its length to a few edges next to the data.
 * The tilt per edge is below the row's average density (see quantileTilt), so where the data lie the
 * count term still dominates and the choice is not pulled off the true edge.
 *
 * `histogram[b]` is the number of records in bin b (bins of equal width over [min, max]).
 */
export function noisyQuantile(
  stream: NoiseStream,
  histogram: readonly number[],
  q: number,
  bound: { min: number; max: number },
  scale: { num: number; den: number },
  tilt = 0,
): number | null {
  const bins = histogram.length;
  const n = histogram.reduce((a, b) => a + b, 0);
  const q10 = Math.round(q * 10);
  let below = 0;
  let best = -Infinity;
  let bestEdge = 0;
  for (let edge = 0; edge <= bins; edge++) {
    const prior = tilt * (q > 0.5 ? edge : q < 0.5 ? bins - edge : 0);
    const score = -Math.abs(10 * below - q10 * n) - prior + discreteLaplace(stream, scale.num, scale.den);
    if (score > best) {
      best = score;
      bestEdge = edge;
    }
    if (edge < bins) below += histogram[edge]!;
  }
  return bound.min + ((bound.max - bound.min) * bestEdge) / bins;
}

/** Score sensitivity of a quantile over records bounded per subject (scores are ×10, see above). */
export function quantileSensitivity(recordsPerSubject: number): number {
  return 2 * 10 * recordsPerSubject;
}

/**
 * The tilt per edge (in the scores' ×10 units) for a row whose released noisy count is `noisyCount`: half
 * the row's average density per edge (n / bins records), so it pulls the choice off the data only where the
 * data are thinner than half their average — a sparse tail — and none for the median. From the noisy
 * count, not the exact one: it is post-processing of a released figure.
 */
export function quantileTilt(q: number, noisyCount: number, bins: number): number {
  if (q === 0.5 || noisyCount <= 0) return 0;
  return Math.floor((5 * noisyCount) / bins);
}
