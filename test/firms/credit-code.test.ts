import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter, creditCodeFault } from '../../src/firms/credit-code.ts';

// Codes printed on real business licences (published registry entries), each with its check character.
const PUBLISHED = ['91350100M000100Y43', '91110000600037341L', '91440300708461136T', '911100001000079554'];

describe('creditCodeFault', () => {
  it('accepts codes whose check character is right', () => {
    for (const code of PUBLISHED) expect(creditCodeFault(code)).toBeNull();
  });

  it('computes the published check characters, with 31 written as 0', () => {
    expect(PUBLISHED.map((code) => creditCodeCheckCharacter(code.slice(0, 17)))).toEqual(['3', 'L', 'T', '4']);
    // Σ = 0 → 31 − 0 = 31 → written '0'.
    expect(creditCodeCheckCharacter('00000000000000000')).toBe('0');
  });

  it('detects every single-character substitution in a valid code', () => {
    const code = PUBLISHED[0]!;
    let substitutions = 0;
    for (let position = 0; position < 18; position += 1) {
      for (const replacement of CREDIT_CODE_ALPHABET) {
        if (replacement === code[position]) continue;
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        substitutions += 1;
        expect(creditCodeFault(changed), `position ${position + 1}`).not.toBeNull();
      }
    }
    expect(substitutions).toBe(18 * 30);
  });

  it('refuses a wrong length, a letter outside the alphabet, lower case and a non-numeric division code', () => {
    expect(creditCodeFault('91350100M000100Y4')).toBe('length');
    expect(creditCodeFault('91350100M000100Y433')).toBe('length');
    expect(creditCodeFault('91350100M000100I43')).toBe('alphabet');
    expect(creditCodeFault('91350100m000100y43')).toBe('alphabet');
    expect(creditCodeFault('913501A0M000100Y43')).toBe('division');
    expect(creditCodeFault('91350100M000100Y44')).toBe('check_character');
  });

  it('refuses to compute a check character from anything but 17 characters of the alphabet', () => {
    expect(() => creditCodeCheckCharacter('9135')).toThrow(RangeError);
    expect(() => creditCodeCheckCharacter('91350100M000100IY')).toThrow(RangeError);
  });
});
