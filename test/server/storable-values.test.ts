import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_STRING_BYTES, unstorableString } from '../../src/server/storable-values.ts';

describe('storable values', () => {
  it('refuses NUL, lone surrogates, over-long strings and out-of-range numbers, at any depth and in keys', () => {
    expect(unstorableString('a\u0000b')).toBe('nul_character');
    expect(unstorableString('a\uD800b')).toBe('lone_surrogate');
    expect(unstorableString('a\uDC00')).toBe('lone_surrogate');
    expect(unstorableString('x'.repeat(MAX_STRING_BYTES + 1))).toBe('string_too_long');
    // Bytes, not characters: 342 CJK characters are 1,026 bytes.
    expect(unstorableString('华'.repeat(342))).toBe('string_too_long');
    expect(findUnstorable({ a: [{ b: 'ok' }, { c: Number.POSITIVE_INFINITY }] })).toBe('number_out_of_range');
    expect(findUnstorable({ a: 2 ** 60 })).toBe('number_out_of_range');
    expect(findUnstorable({ ['key\u0000']: 1 })).toBe('nul_character');
    expect(findUnstorable([[[['\uDBFF']]]])).toBe('lone_surrogate');
  });

  it('accepts what can be stored: surrogate pairs, CJK, emoji, the longest allowed string, safe integers', () => {
    expect(unstorableString('华为 Mate 60 Pro 🙂 𠀀')).toBeUndefined();
    expect(unstorableString('x'.repeat(MAX_STRING_BYTES))).toBeUndefined();
    expect(unstorableString('华'.repeat(341))).toBeUndefined();
    expect(findUnstorable({ fen: Number.MAX_SAFE_INTEGER, ratio: -0.5, list: [null, true, 'a'] })).toBeUndefined();
  });

  it('finds a NUL planted anywhere in a random JSON value, and nothing in one without', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        const clean = JSON.parse(
          JSON.stringify(value, (_k, v) => (typeof v === 'string' ? v.replace(/[\u0000\uD800-\uDFFF]/g, '') : v)).replace(/\\u0000/g, ''),
        ) as unknown;
        fc.pre(findUnstorable(clean) === undefined);
        const planted = { wrapper: [clean, { [`k${seed}`]: `x\u0000${seed}` }] };
        expect(findUnstorable(planted)).toBe('nul_character');
      }),
      { numRuns: 300 },
    );
  });
});
