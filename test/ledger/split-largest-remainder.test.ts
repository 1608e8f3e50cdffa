import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLargestRemainder } from '../../src/ledger/split-largest-remainder.ts';

const sharesArbitrary = fc
  .uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 8 }), weight: fc.integer({ min: 0, max: 1_000_000 }) }), {
    minLength: 1,
    maxLength: 60,
    selector: (share) => share.key,
  })
  .filter((shares) => shares.some((share) => share.weight > 0));

describe('splitLargestRemainder', () => {
  it('adds up exactly and keeps every part within one fen of its exact share (10,000 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), sharesArbitrary, (amount, shares) => {
        const parts = splitLargestRemainder(amount, shares);
        const total = shares.reduce((sum, share) => sum + share.weight, 0);
        expect([...parts.values()].reduce((a, b) => a + b, 0)).toBe(amount);
        for (const share of shares) {
          const part = parts.get(share.key)!;
          const exact = (amount * share.weight) / total;
          expect(Math.abs(part - exact)).toBeLessThan(1 + 1e-6);
          if (share.weight === 0) expect(part).toBe(0);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('splits equally up to one fen and is deterministic whatever the order of the shares', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 500 }), (amount, subjects) => {
        const shares = Array.from({ length: subjects }, (_, i) => ({ key: `s${String(i).padStart(4, '0')}`, weight: 1 }));
        const parts = [...splitLargestRemainder(amount, shares).values()];
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
        const reversed = splitLargestRemainder(amount, [...shares].reverse());
        expect([...reversed.entries()].sort()).toEqual([...splitLargestRemainder(amount, shares).entries()].sort());
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the odd fen to the smallest keys on a tie', () => {
    expect([
      ...splitLargestRemainder(10, [
        { key: 'c', weight: 1 },
        { key: 'a', weight: 1 },
        { key: 'b', weight: 1 },
      ]).entries(),
    ]).toEqual([
      ['c', 3],
      ['a', 4],
      ['b', 3],
    ]);
  });

  it('refuses negative or fractional amounts and all-zero weights', () => {
    expect(() => splitLargestRemainder(-1, [{ key: 'a', weight: 1 }])).toThrow(RangeError);
    expect(() => splitLargestRemainder(1.5, [{ key: 'a', weight: 1 }])).toThrow(RangeError);
    expect(() => splitLargestRemainder(5, [{ key: 'a', weight: 0 }])).toThrow(RangeError);
    expect(splitLargestRemainder(0, [{ key: 'a', weight: 0 }]).get('a')).toBe(0);
  });
});
