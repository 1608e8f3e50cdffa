/**
 * Builds the detection copy of a string. The copy exists only to be matched against; it is never
 * stored, returned or logged, and the caller keeps the original untouched.
 *
 * Two forms are produced because some detectors need separators and others must ignore them:
 * - `folded`: compatibility-folded text (full-width digits, letters and ＠ become ASCII), with
 *   combining marks and invisible format characters removed, so that neither a diacritic glued
 *   onto the last letter of an e-mail address nor a zero-width space between digits hides data;
 * - `joined`: `folded` with separators inside digit runs removed, so `138 1234 5678`,
 *   `138-1234-5678` and `１３８１２３４５６７８` all read `13812345678`.
 * MAC addresses, GPS pairs, URLs and hashes are matched on `folded` (their separators carry
 * meaning); everything digit-based is matched on `joined`.
 */

/** A maximal run of ASCII digits in `joined`, with its half-open position. */
export interface DigitRun {
  readonly digits: string;
  readonly start: number;
  readonly end: number;
}

/** The detection copy of one string plus cheap facts that let detectors skip work. */
export interface DetectionText {
  readonly folded: string;
  readonly joined: string;
  /** Maximal digit runs of `joined`, in order; empty when there is no digit. */
  readonly digitRuns: readonly DigitRun[];
  readonly longestDigitRun: number;
  readonly hasAsciiLetter: boolean;
  readonly hasAt: boolean;
  /** CJK unified ideographs (incl. extension A), where names, addresses and plates live. */
  readonly hasCjk: boolean;
  readonly hasColon: boolean;
  readonly hasDot: boolean;
  readonly hasHyphen: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;
// ASCII plus CJK unified ideographs (incl. extension A): no character here has a compatibility
// decomposition, is a mark or format character, or is a non-ASCII digit, so folding is a no-op.
const FOLDING_INVARIANT = /^[\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff]*$/;
// Combining marks would otherwise compose with the last character of a value (an `m` followed by
// U+0301 becomes `ḿ` and ends an e-mail's top-level domain); format characters (zero-width
// spaces, joiners, bidi controls, soft hyphens) are invisible and only ever used to split values.
const MARKS_AND_FORMAT_CHARACTERS = /[\p{M}\p{Cf}]/gu;
const NON_ASCII_DECIMAL_DIGIT = /(?![0-9])\p{Nd}/gu;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

// What people put between digits when writing a number out: any whitespace (incl. no-break and
// ideographic spaces), control characters, ASCII and Unicode hyphens and dashes, and middle dots.
// Dots, commas and slashes are deliberately absent (they carry meaning in decimals, dates and GPS
// pairs), and so are underscores: the standard's own enum values (`T_TAF_173_2023`,
// `NIST_800_88_R1`) would otherwise glue their numbers to a neighbouring size into a phone-shaped run.
const SEPARATORS_INSIDE_DIGIT_RUN = /(?<=[0-9])[\s\x00-\x1f\x7f\-\u00b7\u2010-\u2015\u2022\u2212\u2e3a\u2e3b\u30fb\ufe58\ufe63\uff0d]+(?=[0-9])/g;
const DIGIT_RUN = /[0-9]+/g;

/**
 * Folds `text` for detection: NFKD compatibility decomposition (a superset of what NFKC folds:
 * full-width and other compatibility forms become ASCII), removal of combining marks and format
 * characters, and mapping of any remaining non-ASCII decimal digit (Arabic-Indic, Devanagari …)
 * to its ASCII digit.
 * Invariant: ASCII and plain CJK input is returned unchanged (the common case costs one regex test).
 * Never throws; lone surrogates pass through untouched.
 */
export function foldForDetection(text: string): string {
  if (FOLDING_INVARIANT.test(text)) return text;
  let folded = text.normalize('NFKD').replace(MARKS_AND_FORMAT_CHARACTERS, '');
  if (NON_ASCII.test(folded)) folded = folded.replace(NON_ASCII_DECIMAL_DIGIT, asciiDigitOf);
  return folded;
}

/**
 * Removes separators (see SEPARATORS_INSIDE_DIGIT_RUN) that sit between two ASCII digits.
 * Input should already be folded. Invariant: characters other than those separators are kept in
 * order, so every digit run of the result is the concatenation of the digit groups it joined.
 */
export function joinSeparatedDigits(folded: string): string {
  return folded.replace(SEPARATORS_INSIDE_DIGIT_RUN, '');
}

/**
 * Prepares `text` for the detectors: folds it, joins separated digits, lists the digit runs and
 * records which characters occur, in one pass over the string.
 * Never throws; an empty string yields an empty detection copy.
 */
export function prepareDetectionText(text: string): DetectionText {
  const folded = foldForDetection(text);
  const joined = joinSeparatedDigits(folded);
  let hasDigit = false;
  let hasAsciiLetter = false;
  let hasAt = false;
  let hasCjk = false;
  let hasColon = false;
  let hasDot = false;
  let hasHyphen = false;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (c >= 48 && c <= 57) hasDigit = true;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) hasAsciiLetter = true;
    else if (c === 64) hasAt = true;
    else if (c === 58) hasColon = true;
    else if (c === 46) hasDot = true;
    else if (c === 45) hasHyphen = true;
    else if (c >= 0x3400 && c <= 0x9fff) hasCjk = true;
  }
  const digitRuns: DigitRun[] = [];
  let longestDigitRun = 0;
  if (hasDigit) {
    for (const match of joined.matchAll(DIGIT_RUN)) {
      const digits = match[0];
      digitRuns.push({ digits, start: match.index, end: match.index + digits.length });
      if (digits.length > longestDigitRun) longestDigitRun = digits.length;
    }
  }
  return { folded, joined, digitRuns, longestDigitRun, hasAsciiLetter, hasAt, hasCjk, hasColon, hasDot, hasHyphen };
}

// Unicode encodes every decimal digit set (general category Nd) as ten consecutive code points
// starting at its zero, so a digit's value is its distance from the start of its block. Blocks
// that abut each other are still aligned on multiples of ten from the first zero.
function asciiDigitOf(digit: string): string {
  const codePoint = digit.codePointAt(0) ?? 0;
  let offset = 0;
  while (offset < 64 && DECIMAL_DIGIT.test(String.fromCodePoint(codePoint - offset - 1))) offset++;
  return String(offset % 10);
}
