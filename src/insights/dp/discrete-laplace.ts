import type { NoiseStream } from './noise-stream.ts';

/**
 * Exact samplers from Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
 * (NeurIPS 2020), Algorithms 1 and 2: only integer arithmetic and uniform integer draws, so the
 * distribution is exactly the discrete Laplace, with no floating-point artefacts to leak the true value.
 */

/** Bernoulli(num / den) for 0 ≤ num ≤ den. */
export function bernoulliRational(stream: NoiseStream, num: number, den: number): boolean {
  return stream.uniformInt(den) < num;
}

/** Bernoulli(exp(−num / den)) for num ≥ 0 (CKS Algorithm 1). */
export function bernoulliExpMinus(stream: NoiseStream, num: number, den: number): boolean {
  let remaining = num;
  // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)): one exp(−1) coin per whole unit.
  while (remaining > den) {
    if (!bernoulliExpMinusAtMostOne(stream, den, den)) return false;
    remaining -= den;
  }
  return bernoulliExpMinusAtMostOne(stream, remaining, den);
}

/** Bernoulli(exp(−γ)) for γ = num / den in [0, 1]: count coins Bernoulli(γ/k) until one fails; odd k wins. */
function bernoulliExpMinusAtMostOne(stream: NoiseStream, num: number, den: number): boolean {
  let k = 1;
  while (bernoulliRational(stream, num, den * k)) k += 1;
  return k % 2 === 1;
}

/**
 * One draw of the discrete Laplace distribution with scale `scaleNum / scaleDen`:
 * P(z) ∝ exp(−|z| · scaleDen / scaleNum) over the integers (CKS Algorithm 2). For a statistic of
 * sensitivity Δ released at ε = e/E, the scale is Δ·E / e.
 */
export function discreteLaplace(stream: NoiseStream, scaleNum: number, scaleDen: number): number {
  if (!Number.isSafeInteger(scaleNum) || !Number.isSafeInteger(scaleDen) || scaleNum < 1 || scaleDen < 1) {
    throw new RangeError('a discrete Laplace scale must be a ratio of positive integers');
  }
  const t = scaleNum;
  const s = scaleDen;
  for (;;) {
    const u = stream.uniformInt(t);
    if (!bernoulliExpMinus(stream, u, t)) continue;
    let v = 0;
    while (bernoulliExpMinus(stream, 1, 1)) v += 1;
    const y = Math.floor((u + t * v) / s);
    const negative = bernoulliRational(stream, 1, 2);
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** ε as an exact ratio of integers (micro-units): policies declare ε in decimals of at most six places. */
export function epsilonRatio(epsilon: number): { num: number; den: number } {
  const num = Math.round(epsilon * 1_000_000);
  if (!(num >= 1)) throw new RangeError('epsilon must be at least 0.000001');
  const den = 1_000_000;
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
}

/** The discrete Laplace scale Δ/ε as an integer ratio, reduced. Δ is a positive integer. */
export function laplaceScale(sensitivity: number, epsilon: { num: number; den: number }): { num: number; den: number } {
  const num = sensitivity * epsilon.den;
  const den = epsilon.num;
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
