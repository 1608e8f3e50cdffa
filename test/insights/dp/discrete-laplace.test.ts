import { describe, expect, it } from 'vitest';
import { bernoulliExpMinus, discreteLaplace, epsilonRatio, laplaceScale } from '../../../src/insights/dp/discrete-laplace.ts';
import { createNoiseStream } from '../../../src/insights/dp/noise-stream.ts';

const KEY = Buffer.alloc(32, 7);

describe('the noise stream', () => {
  it('gives the same draws for the same key and seed, and different draws for another seed or key', () => {
    const draws = (key: Buffer, seed: string) => {
      const s = createNoiseStream(key, seed);
      return Array.from({ length: 50 }, () => s.uniformInt(1000));
    };
    expect(draws(KEY, 'a')).toEqual(draws(KEY, 'a'));
    expect(draws(KEY, 'a')).not.toEqual(draws(KEY, 'b'));
    expect(draws(KEY, 'a')).not.toEqual(draws(Buffer.alloc(32, 8), 'a'));
  });

  it('draws every value of a range uniformly, and refuses a range it cannot draw exactly', () => {
    const stream = createNoiseStream(KEY, 'uniform');
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[stream.uniformInt(6)]! += 1;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
    expect(() => stream.uniformInt(0)).toThrow(RangeError);
    expect(() => stream.uniformInt(2 ** 49)).toThrow(RangeError);
  });
});

describe('exact samplers', () => {
  it('draws Bernoulli(exp(−γ)) at its probability, below and above γ = 1', () => {
    const stream = createNoiseStream(KEY, 'bernoulli');
    for (const [num, den] of [
      [1, 2],
      [3, 2],
      [5, 1],
    ] as const) {
      let hits = 0;
      for (let i = 0; i < 40_000; i++) if (bernoulliExpMinus(stream, num, den)) hits++;
      expect(Math.abs(hits / 40_000 - Math.exp(-num / den))).toBeLessThan(0.01);
    }
  });

  it('draws the discrete Laplace distribution: P(0), mean, variance and tails within loose bounds', () => {
    // Scale 2: P(z) ∝ a^|z| with a = e^(−1/2); P(0) = (1 − a)/(1 + a), variance 2a/(1 − a)².
    const stream = createNoiseStream(KEY, 'laplace');
    const draws = Array.from({ length: 40_000 }, () => discreteLaplace(stream, 2, 1));
    const a = Math.exp(-0.5);
    expect(draws.every(Number.isInteger)).toBe(true);
    const mean = draws.reduce((x, y) => x + y, 0) / draws.length;
    const variance = draws.reduce((x, y) => x + (y - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance / ((2 * a) / (1 - a) ** 2) - 1)).toBeLessThan(0.05);
    expect(Math.abs(draws.filter((z) => z === 0).length / draws.length - (1 - a) / (1 + a))).toBeLessThan(0.01);
    // P(Z ≥ 5) = a^5/(1 + a), symmetric.
    expect(Math.abs(draws.filter((z) => z >= 5).length / draws.length - a ** 5 / (1 + a))).toBeLessThan(0.01);
    expect(Math.abs(draws.filter((z) => z <= -5).length / draws.length - a ** 5 / (1 + a))).toBeLessThan(0.01);
  });

  it('handles a fractional scale (ε above the sensitivity) and turns ε into exact ratios', () => {
    expect(epsilonRatio(0.25)).toEqual({ num: 1, den: 4 });
    expect(laplaceScale(400, epsilonRatio(0.125))).toEqual({ num: 3200, den: 1 });
    expect(laplaceScale(1, epsilonRatio(2))).toEqual({ num: 1, den: 2 });
    const stream = createNoiseStream(KEY, 'narrow');
    const draws = Array.from({ length: 20_000 }, () => discreteLaplace(stream, 1, 2));
    const a = Math.exp(-2);
    expect(Math.abs(draws.filter((z) => z === 0).length / draws.length - (1 - a) / (1 + a))).toBeLessThan(0.015);
    expect(() => discreteLaplace(stream, 0, 1)).toThrow(RangeError);
    expect(() => epsilonRatio(0)).toThrow(RangeError);
  });
});
