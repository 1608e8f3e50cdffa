import fc from 'fast-check';
import validator from 'validator';
import { describe, expect, it } from 'vitest';
import {
  isLuhnValid,
  isMod97Valid,
  isRealCalendarDate,
  isResidentIdChecksumValid,
  luhnCheckDigit,
  residentIdCheckCharacter,
} from '../../src/privacy/checksums.ts';

describe('isLuhnValid', () => {
  it('accepts a number with a correct Luhn check digit', () => {
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('490154203237518')).toBe(true);
  });

  it('rejects the same number with the check digit changed (wrong check digit)', () => {
    expect(isLuhnValid('79927398710')).toBe(false);
    expect(isLuhnValid('490154203237519')).toBe(false);
  });

  it('rejects anything that is not purely digits (spaces and hyphens are not ignored)', () => {
    expect(isLuhnValid('7992 7398 713')).toBe(false);
    expect(isLuhnValid('7992-7398-713')).toBe(false);
    expect(isLuhnValid('')).toBe(false);
    expect(isLuhnValid('0')).toBe(false);
  });

  it('agrees with validator.isLuhnNumber on digit strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 2, maxLength: 24 }), (digits) => {
        expect(isLuhnValid(digits)).toBe(validator.isLuhnNumber(digits));
      }),
      { numRuns: 500 },
    );
  });
});

describe('luhnCheckDigit', () => {
  it('completes any payload to a Luhn-valid number', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 }), (payload) => {
        expect(isLuhnValid(payload + luhnCheckDigit(payload))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('throws on a payload with non-digits (invalid payload)', () => {
    expect(() => luhnCheckDigit('12a4')).toThrow(RangeError);
  });
});

describe('residentIdCheckCharacter', () => {
  it('computes the GB 11643 check character, including X', () => {
    // Published example from GB 11643-1999 Annex: 11010519491231002X.
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(residentIdCheckCharacter('44052418800101001')).toBe('4');
  });

  it('throws unless given exactly 17 digits (malformed payload)', () => {
    expect(() => residentIdCheckCharacter('1101051949123100')).toThrow(RangeError);
    expect(() => residentIdCheckCharacter('1101051949123100X')).toThrow(RangeError);
  });
});

describe('isResidentIdChecksumValid', () => {
  it('accepts an ID whose last character matches, in either case of X', () => {
    expect(isResidentIdChecksumValid('11010519491231002X')).toBe(true);
    expect(isResidentIdChecksumValid('11010519491231002x')).toBe(true);
    expect(isResidentIdChecksumValid('440524188001010014')).toBe(true);
  });

  it('rejects an ID whose last character does not match (wrong check digit)', () => {
    expect(isResidentIdChecksumValid('110105194912310021')).toBe(false);
    expect(isResidentIdChecksumValid('440524188001010015')).toBe(false);
  });

  it('rejects inputs of the wrong length or with letters inside (malformed)', () => {
    expect(isResidentIdChecksumValid('11010519491231002')).toBe(false);
    expect(isResidentIdChecksumValid('1101051949123A002X')).toBe(false);
  });
});

describe('isMod97Valid', () => {
  it('accepts a number that is 1 mod 97 and rejects its neighbour', () => {
    expect(isMod97Valid('98')).toBe(true);
    expect(isMod97Valid('99')).toBe(false);
  });

  it('agrees with BigInt arithmetic on long inputs', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 40 }), (digits) => {
        expect(isMod97Valid(digits)).toBe(isBigMod97(BigInt(digits)));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects non-digits (malformed)', () => {
    expect(isMod97Valid('9 8')).toBe(false);
  });
});

describe('isRealCalendarDate', () => {
  it('accepts days that exist, including 29 February in leap years', () => {
    expect(isRealCalendarDate(1999, 12, 31)).toBe(true);
    expect(isRealCalendarDate(2000, 2, 29)).toBe(true);
    expect(isRealCalendarDate(2024, 2, 29)).toBe(true);
  });

  it('rejects days that do not exist (30 February, 29 February 1900, 31 April, month 13)', () => {
    expect(isRealCalendarDate(1999, 2, 30)).toBe(false);
    expect(isRealCalendarDate(1900, 2, 29)).toBe(false);
    expect(isRealCalendarDate(2023, 4, 31)).toBe(false);
    expect(isRealCalendarDate(2023, 13, 1)).toBe(false);
    expect(isRealCalendarDate(2023, 1, 0)).toBe(false);
  });

  it('agrees with Date.UTC round-tripping', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const date = new Date(Date.UTC(y, m - 1, d));
        const roundTrips = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        expect(isRealCalendarDate(y, m, d)).toBe(roundTrips);
      }),
      { numRuns: 500 },
    );
  });
});

function isBigMod97(value: bigint): boolean {
  return value % 97n === 1n;
}
