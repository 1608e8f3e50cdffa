import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFen } from '../../adapters/shared/parse-fen.ts';
import { parseDecimal, parseWholeNumber } from '../../adapters/shared/parse-number.ts';
import { parsePercent } from '../../adapters/shared/parse-percent.ts';

describe('parseFen', () => {
  it.each([
    ['¥1,850.00', 185_000],
    ['￥1850', 185_000],
    ['1850.5', 185_050],
    ['390.00', 39_000],
    ['1,234.5', 123_450],
    ['12,999.00', 1_299_900],
    ['3699元', 369_900],
    ['RMB 20', 2_000],
    ['0', 0],
    ['¥0.01', 1],
  ])('reads %s as %i fen', (text, fen) => {
    expect(parseFen(text)).toBe(fen);
  });

  it.each([
    ['-10.00', 'a negative amount'],
    ['1.234', 'three decimals'],
    ['1,85,0', 'misplaced separators'],
    ['约500', 'an estimate'],
    ['$20', 'another currency'],
    ['90071992547409.92', 'more fen than a safe integer holds'],
    ['', 'an empty cell'],
  ])('refuses %s (%s)', (text) => {
    expect(parseFen(text)).toBeUndefined();
  });

  it('computes on digits, never through a float', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 99 }), (yuan, fen) => {
        const grouped = yuan.toLocaleString('en-US');
        expect(parseFen(`¥${grouped}.${String(fen).padStart(2, '0')}`)).toBe(yuan * 100 + fen);
      }),
    );
  });
});

describe('parseDecimal', () => {
  it('reads kilograms and converts grams exactly by moving the point', () => {
    expect(parseDecimal('21.181')).toBe(21.181);
    expect(parseDecimal('194', -3)).toBe(0.194);
    expect(parseDecimal('85000', -3)).toBe(85);
  });

  it.each(['-1', '1e3', '20kg', '约20', '1,000'])('refuses %s', (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });
});

describe('parseWholeNumber and parsePercent', () => {
  it('reads whole numbers and percentages', () => {
    expect(parseWholeNumber('327')).toBe(327);
    expect(parsePercent('78%')).toBe(78);
    expect(parsePercent('１００％')).toBe(100);
  });

  it('refuses fractions, signs and percentages over 100', () => {
    expect(parseWholeNumber('3.5')).toBeUndefined();
    expect(parseWholeNumber('-3')).toBeUndefined();
    expect(parsePercent('78.5%')).toBeUndefined();
    expect(parsePercent('120%')).toBeUndefined();
  });
});
