import { discreteLaplace } from './discrete-laplace.ts';
import type { NoiseStream } from './noise-stream.ts';

/**
 * The q-quantile of one group by Report Noisy Max over the edges of a bounded histogram (Dwork & Roth
 * §3.3, with discrete Laplace noise): each edge e_j scores −|10·C(e_j) − 10q·n|, where C(e_j) counts the
 * group's records below the edge; the edge with the highest noisy score is released. One record moves
 * C and n by one, so a score by at most 10 (times records per subject); noise of scale 2Δ/ε makes the
 * choice ε-DP. Integer scores and integer noise throughout.
 *
 * `histogram[b]` is the number of records in bin b (bins of equal width over [min, max]).
 */
export function noisyQuantile(
  stream: NoiseStream, histogram: readonly number[], q: number, bound: { min: number; max: number },
  scale: { num: number; den: number },
): number | null {
  const bins = histogram.length;
  const n = histogram.reduce((a, b) => a + b, 0);
  const q10 = Math.round(q * 10);
  let below = 0;
  let best = -Infinity;
  let bestEdge = 0;
  for (let edge = 0; edge <= bins; edge++) {
    const score = -Math.abs(10 * below - q10 * n) + discreteLaplace(stream, scale.num, scale.den);
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
