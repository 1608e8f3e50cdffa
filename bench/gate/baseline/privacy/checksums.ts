/**
 * Check digits and date checks used to tell a real identifier from a number of the same length.
 * A failed check never makes a value safe: the digit run is still caught by `long_digit_run`
 * when it is 14 digits or longer; the checks only decide which detector names it.
 */
import validator from 'validator';

const ALL_DIGITS = /^[0-9]+$/;

/**
 * True when `digits` (ASCII digits only, at least two) passes the Luhn mod-10 check used by IMEI,
 * ICCID and bank card numbers. Anything that is not purely digits returns false (validator's own
 * check would silently drop spaces and hyphens, which the caller has already handled).
 */
export function isLuhnValid(digits: string): boolean {
  return digits.length >= 2 && ALL_DIGITS.test(digits) && validator.isLuhnNumber(digits);
}

/**
 * The Luhn check digit that completes `payload` (ASCII digits, possibly empty).
 * Throws a RangeError when `payload` contains anything but digits.
 */
export function luhnCheckDigit(payload: string): string {
  if (payload.length > 0 && !ALL_DIGITS.test(payload)) throw new RangeError('payload must contain digits only');
  let sum = 0;
  // The check digit will sit at the right, so the payload's last digit is the first one doubled.
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = payload.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

// GB 11643-1999: weights 2^(17-i) mod 11 for the 17 payload digits; the check character is
// "10X98765432"[S mod 11] (ISO 7064 MOD 11-2).
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK_CHARACTERS = '10X98765432';

/**
 * The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') for the first 17 digits of a resident
 * identity card number. Throws a RangeError unless `first17` is exactly 17 ASCII digits.
 */
export function residentIdCheckCharacter(first17: string): string {
  if (first17.length !== 17 || !ALL_DIGITS.test(first17)) throw new RangeError('payload must be 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (RESIDENT_ID_WEIGHTS[i] ?? 0);
  return RESIDENT_ID_CHECK_CHARACTERS.charAt(sum % 11);
}

/**
 * True when `id` is 17 digits followed by the matching MOD 11-2 check character (digit, `X` or
 * `x`). Says nothing about the birth date; see `isRealCalendarDate`. Never throws.
 */
export function isResidentIdChecksumValid(id: string): boolean {
  if (id.length !== 18) return false;
  const first17 = id.slice(0, 17);
  if (!ALL_DIGITS.test(first17)) return false;
  return residentIdCheckCharacter(first17) === id.charAt(17).toUpperCase();
}

/**
 * True when `digits` (ASCII digits only) is ≡ 1 mod 97 (ISO 7064 MOD 97-10, the eUICC EID
 * check). Works on arbitrarily long inputs by folding nine digits at a time. Never throws.
 */
export function isMod97Valid(digits: string): boolean {
  if (!ALL_DIGITS.test(digits)) return false;
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) {
    remainder = Number(String(remainder) + digits.slice(i, i + 7)) % 97;
  }
  return remainder === 1;
}

/**
 * True when year/month/day name a day that exists in the proleptic Gregorian calendar
 * (so 1999-02-30 and 2023-02-29 are false, 2000-02-29 is true). Non-integers are false.
 */
export function isRealCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
