/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, Z, S, V), the last a check character computed from the first
 * 17 with weights 3^i mod 31. Pure; never repeats the code it is given in what it returns.
 */

/** The standard's alphabet; a character's value is its index. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of positions 1–17: 3^(i−1) mod 31, as tabulated in the standard. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Why a code was refused, one stable reason per rule, checked in this order. */
export type CreditCodeFault = 'length' | 'alphabet' | 'division' | 'check_character';

/**
 * The check character (position 18) for the first 17 characters of a code: 31 − (Σ value × weight mod 31),
 * with 31 written as '0'. Throws a RangeError when `first17` is not 17 characters of the alphabet.
 */
export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('first17 must be 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (value < 0) throw new RangeError('first17 must use the GB 32100-2015 alphabet');
    sum += value * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * Checks a unified social credit code: 18 characters of the alphabet (upper case, as printed on a business
 * licence), positions 3–8 an administrative division code (six digits), and the check character right.
 * Returns the first rule broken, or null for a valid code.
 */
export function creditCodeFault(code: string): CreditCodeFault | null {
  if (code.length !== 18) return 'length';
  for (const character of code) if (!CREDIT_CODE_ALPHABET.includes(character)) return 'alphabet';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'division';
  return creditCodeCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'check_character';
}
