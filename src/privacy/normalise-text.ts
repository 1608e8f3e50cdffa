/**
 * Builds the detection copy of a string. The copy exists only to be matched against; it is never
 * stored, returned or logged, and the caller keeps the original untouched.
 *
 * Two forms are produced because some detectors need separators and others must ignore them:
 * - `folded`: compatibility-folded text (full-width digits, letters and ＠ become ASCII), with
 *   combining marks and invisible format characters removed, so that neither a diacritic glued
 *   onto the last letter of an e-mail address nor a zero-width space between digits hides data;
 *   Cyrillic and Greek look-alike letters become their ASCII twins (see homoglyphs.ts);
 * - `joined`: `folded` with Chinese numerals read as digits (see chinese-numerals.ts), O/I/l between
 *   digits read as 0/1, and every separator inside a digit run removed, so `138 1234 5678`,
 *   `138.1234/5678`, `(138)1234_5678`, `138转1234杠5678`, `一三八一二三四五六七八` and
 *   `１３８１２３４５６７８` all read `13812345678`.
 * MAC addresses, GPS pairs, URLs and hashes are matched on `folded` (their separators carry
 * meaning); everything digit-based is matched on `joined`.
 */

import { readChineseNumerals } from './chinese-numerals.ts';
import { MAY_CONTAIN_CONFUSABLE, foldConfusables, readDigitLookalikes } from './homoglyphs.ts';

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
  /** `folded` with Chinese numerals and digit look-alikes read as digits, separators kept (dates). */
  readonly numerals: string;
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
  /** Any whitespace: spelled-out e-mails, Latin names and addresses need a space between words. */
  readonly hasSpace: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;
// ASCII plus CJK unified ideographs (incl. extension A): no character here has a compatibility
// decomposition, is a mark, format character, filler or look-alike letter, or is a non-ASCII
// digit, so folding is a no-op.
const FOLDING_INVARIANT = /^[\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff]*$/;
// Combining marks would otherwise compose with the last character of a value (an `m` followed by
// U+0301 becomes `ḿ` and ends an e-mail's top-level domain); format characters (zero-width
// spaces, joiners, bidi controls, soft hyphens, tags) are invisible and only ever used to split
// values. Fillers are letters or symbols by category but print as nothing: the Hangul fillers
// (U+115F, U+1160, U+3164, U+FFA0), the braille blank U+2800, the Mongolian vowel separator.
// eslint-disable-next-line no-misleading-character-class -- a class of single invisible code points on purpose: each is removed alone
const INVISIBLE = /[\p{M}\p{Cf}\u115f\u1160\u3164\uffa0\u2800\u180e\u2061-\u2064\u034f\u17b4\u17b5]/gu;
const NON_ASCII_DECIMAL_DIGIT = /(?![0-9])\p{Nd}/gu;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

// What people put between digits when writing a number out: whitespace (incl. no-break and
// ideographic spaces), control characters, hyphens and dashes, middle dots, dots, commas, slashes,
// backslashes, underscores, brackets and quotes, up to three of them, or a word read aloud for a
// dash or an extension (转 "extension", 杠/横 "dash"). Decimals, dates and GPS pairs lose their
// separators here too, which is harmless: GPS pairs, MAC addresses and IP addresses are matched on
// `folded`, and no digit detector fires below ten digits.
const SEPARATOR_CHARACTER = '[\\s\\x00-\\x1f\\x7f\\-\\u00b7\\u2010-\\u2015\\u2022\\u2212\\u2e3a\\u2e3b\\u30fb\\ufe58\\ufe63\\uff0d.,/\\\\_()\\[\\]{}<>\'"`~|]';
const SEPARATORS_INSIDE_DIGIT_RUN = new RegExp(
  `(?<=[0-9])(?:${SEPARATOR_CHARACTER}{1,3}|${SEPARATOR_CHARACTER}?(?:转|杠|横)${SEPARATOR_CHARACTER}?)(?=[0-9])`,
  'g',
);
const DIGIT_RUN = /[0-9]+/g;

/**
 * Folds `text` for detection: NFKD compatibility decomposition (a superset of what NFKC folds:
 * full-width and other compatibility forms become ASCII), removal of combining marks, format
 * characters and invisible fillers, Cyrillic/Greek look-alikes mapped to ASCII, and any remaining
 * non-ASCII decimal digit (Arabic-Indic, Devanagari …) mapped to its ASCII digit.
 * Invariant: ASCII and plain CJK input is returned unchanged (the common case costs one regex test).
 * Never throws; lone surrogates pass through untouched.
 */
export function foldForDetection(text: string): string {
  if (FOLDING_INVARIANT.test(text)) return text;
  let folded = text.normalize('NFKD').replace(INVISIBLE, '');
  if (NON_ASCII.test(folded)) {
    folded = folded.replace(NON_ASCII_DECIMAL_DIGIT, asciiDigitOf);
    if (MAY_CONTAIN_CONFUSABLE.test(folded)) folded = foldConfusables(folded);
  }
  return folded;
}

/**
 * Removes separators (see SEPARATORS_INSIDE_DIGIT_RUN) that sit between two ASCII digits.
 * Input should already be folded. Invariant: characters other than those separators are kept in
 * order, so every digit run of the result is the concatenation of the digit groups it joined.
 */
export function joinSeparatedDigits(folded: string): string {
  const protectedText = folded.includes('_') ? folded.replace(UPPER_SNAKE_CASE, protectUnderscores) : folded;
  return protectedText.replace(SEPARATORS_INSIDE_DIGIT_RUN, '');
}

// The standard's own enum values (`T_TAF_173_2023`, `NIST_800_88_R1`, `GB_T_45656_2025`) are upper
// snake case with numbers between underscores; joined, and glued to a neighbouring size, they read
// as phone numbers. Their underscores become a character that is no separator (U+2038, caret) in
// the digit view. Lower- or mixed-case tokens are not protected.
const UPPER_SNAKE_CASE = /(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9])/g;
const protectUnderscores = (token: string): string => token.replaceAll('_', '\u2038');

/**
 * The digit view of a folded string: Chinese numerals read as digits, look-alike letters between
 * digits read as digits, then separators inside digit runs removed. Never throws.
 */
export function readDigits(folded: string): string {
  return joinSeparatedDigits(readNumerals(folded));
}

function readNumerals(folded: string): string {
  return readDigitLookalikes(readChineseNumerals(folded));
}

/**
 * Prepares `text` for the detectors: folds it, joins separated digits, lists the digit runs and
 * records which characters occur, in one pass over the string.
 * Never throws; an empty string yields an empty detection copy.
 */
export function prepareDetectionText(text: string): DetectionText {
  const folded = foldForDetection(text);
  const numerals = readNumerals(folded);
  const joined = joinSeparatedDigits(numerals);
  let hasDigit = false;
  let hasAsciiLetter = false;
  let hasAt = false;
  let hasCjk = false;
  let hasColon = false;
  let hasDot = false;
  let hasHyphen = false;
  let hasSpace = false;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (c >= 48 && c <= 57) hasDigit = true;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) hasAsciiLetter = true;
    else if (c === 64) hasAt = true;
    else if (c === 58) hasColon = true;
    else if (c === 46) hasDot = true;
    else if (c === 45) hasHyphen = true;
    else if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x3000) hasSpace = true;
    else if (c >= 0x3400 && c <= 0x9fff) hasCjk = true;
  }
  const digitRuns: DigitRun[] = [];
  let longestDigitRun = 0;
  // Chinese numerals become digits only in `joined`.
  if (hasDigit || joined !== folded) {
    for (const match of joined.matchAll(DIGIT_RUN)) {
      const digits = match[0];
      digitRuns.push({ digits, start: match.index, end: match.index + digits.length });
      if (digits.length > longestDigitRun) longestDigitRun = digits.length;
    }
  }
  return { folded, joined, numerals, digitRuns, longestDigitRun, hasAsciiLetter, hasAt, hasCjk, hasColon, hasDot, hasHyphen, hasSpace };
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
