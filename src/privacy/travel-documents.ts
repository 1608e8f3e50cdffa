/**
 * Passports, travel permits and the identity cards of Hong Kong, Macao and Taiwan, matched on the
 * digit view (`joined`, separators inside digit runs removed):
 * - mainland passports E/G + 8 digits, E + letter + 7; Hong Kong passports K + 8; Macao MA + 7;
 *   public-affairs, diplomatic and service passports P/D/S + 7 only when labelled;
 * - permits: Hong Kong/Macao travel permit C + 8 or C + letter + 7, home-return permit H/M + 8 or 10,
 *   Taiwan travel permit L + 8;
 * - Hong Kong identity card: one or two letters + 6 digits + a check character in parentheses, or
 *   without parentheses when the MOD 11 check holds;
 * - Macao identity card: 1/5/7 + 6 digits + (check digit);
 * - Taiwan identity card: a letter, 1 or 2 (or 8/9 for residents) and 8 digits, with its check;
 * - anything labelled 护照, 通行证, 回乡证, 台胞证, 港澳证, 居留证, 身份证, passport, permit, HKID,
 *   followed by a token of 7–12 letters and digits with at least five digits.
 */

const BOUNDED = (body: string): RegExp => new RegExp(`(?<![A-Za-z0-9])(?:${body})(?![A-Za-z0-9])`, 'g');
const UNLABELLED = BOUNDED(
  [
    '[EG][0-9]{8}',
    'E[A-HJ-NP-Z][0-9]{7}',
    'K[0-9]{8}',
    'MA[0-9]{7}',
    'C[A-HJ-NP-Z0-9][0-9]{7}',
    '[HM][0-9]{8}(?:[0-9]{2})?',
    'L[0-9]{8}',
    '[A-Z]{1,2}[0-9]{6}\\s?\\([0-9A]\\)',
    '[157][0-9]{6}\\s?\\([0-9]\\)',
  ].join('|'),
);
const HKID_PLAIN = BOUNDED('[A-Z]{1,2}[0-9]{6}[0-9A]');
const TAIWAN_ID = BOUNDED('[A-Z][1289][0-9]{8}');
const LABELLED =
  /(?:护照|通行证|回乡证|回鄉證|台胞证|港澳证|居留证|身份证|身分證|證件|证件|(?<![A-Za-z])(?:passport|permit|hkid|id\s*card|travel\s*doc(?:ument)?))\s*(?:号码|号|no\.?|number|#)?\s*[:：=]?\s*([A-Za-z0-9()]{7,14})/gi;
const MIGHT_BE_LABELLED = /[护通回台港居身证證]|pass|perm|hkid|card|trav/i;
const FIVE_DIGITS = /(?:[0-9][^0-9]*){5}/;

/** True when `folded` or its digit view `joined` contains a passport, permit or HK/Macao/Taiwan identity number. Never throws. */
export function containsTravelDocument(folded: string, joined: string): boolean {
  // Both copies: `joined` reads `E 1234 5678` whole, `folded` keeps the parentheses of `A123456(7)`.
  for (const text of folded === joined ? [joined] : [joined, folded]) {
    UNLABELLED.lastIndex = 0;
    if (UNLABELLED.test(text)) return true;
  }
  // Check-digit shapes only as written: joined, a model and a year (`Y700 2023`) make one by chance.
  for (const match of folded.matchAll(HKID_PLAIN)) if (isHongKongIdValid(match[0])) return true;
  for (const match of folded.matchAll(TAIWAN_ID)) if (isTaiwanIdValid(match[0])) return true;
  if (!MIGHT_BE_LABELLED.test(joined)) return false;
  for (const match of joined.matchAll(LABELLED)) if (FIVE_DIGITS.test(match[1] ?? '')) return true;
  return false;
}

/** HKID check: letters A–Z = 10–35 (a missing second letter = 36), weights 9…2, check = 11 − (sum mod 11), 10 → A. */
export function isHongKongIdValid(id: string): boolean {
  const letters = /^[A-Z]+/.exec(id)?.[0] ?? '';
  const body = id.slice(letters.length, letters.length + 6);
  const check = id.slice(letters.length + 6);
  const values = [...(letters.length === 1 ? [36] : []), ...[...letters].map((c) => c.charCodeAt(0) - 55), ...[...body].map(Number)];
  if (values.length !== 8) return false;
  const sum = values.reduce((total, value, index) => total + value * (9 - index), 0);
  const expected = (11 - (sum % 11)) % 11;
  return check === (expected === 10 ? 'A' : String(expected));
}

// Taiwan: the letter's two-digit code (A=10 … with I, O, W, Z … out of order), then weights.
const TAIWAN_LETTER_CODES = 'ABCDEFGHJKLMNPQRSTUVXYWZIO';
/** Taiwan identity card check (letter code digits weighted 1, 9; then 8…1 and the check digit 1). */
export function isTaiwanIdValid(id: string): boolean {
  const code = TAIWAN_LETTER_CODES.indexOf(id.charAt(0)) + 10;
  if (code < 10) return false;
  const digits = [Math.floor(code / 10), code % 10, ...[...id.slice(1)].map(Number)];
  const weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];
  const sum = digits.reduce((total, digit, index) => total + digit * (weights[index] ?? 0), 0);
  return sum % 10 === 0;
}
