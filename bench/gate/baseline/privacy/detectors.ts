/**
 * The PII detectors, one entry each, in the order they run. Ids are stable: they appear in error
 * codes (`pii.<id>`), in operator docs and in clients' handling, so never rename one; add a new
 * id instead. Patterns follow reference/domain.md §6; where this file differs, a comment says why.
 *
 * Every detector has a cheap `mayMatch` pre-check on facts computed once per string (is there a
 * digit, an '@', a CJK character, how long is the longest digit run …) so that the typical string
 * of a standard document (an enum, a brand, a month) costs a few comparisons, not 21 regexes.
 * All regexes are compiled once, here, and are linear: unbounded repetitions are only used where
 * no backtracking into them can occur, and "{2,}" prefixes are written as "{2}" where only the
 * existence of a match matters.
 */
import { isLuhnValid, isMod97Valid, isRealCalendarDate, isResidentIdChecksumValid } from './checksums.ts';
import { CHINESE_SURNAMES } from './chinese-surnames.ts';
import type { DetectionText, DigitRun } from './normalise-text.ts';
import { containsDeviceSerial } from './serial-number-shape.ts';

export type DetectorId =
  | 'cn_mobile'
  | 'cn_landline'
  | 'resident_id_18'
  | 'resident_id_15'
  | 'imei'
  | 'meid'
  | 'iccid'
  | 'imsi'
  | 'bank_card'
  | 'email'
  | 'licence_plate'
  | 'passport_permit'
  | 'mac_address'
  | 'hex_hash'
  | 'url'
  | 'data_uri_base64'
  | 'gps_pair'
  | 'cn_address'
  | 'person_name'
  | 'serial_number'
  | 'long_digit_run';

/** Facts a detector may need that are not in the text itself. */
export interface DetectionContext {
  /**
   * Latest birth date (yyyymmdd as a number) a resident ID may carry: the scan date. Without a
   * clock the gate uses 20991231, which can only make more values count as resident IDs.
   */
  readonly latestBirthDate: number;
}

export interface PiiDetector {
  readonly id: DetectorId;
  /** Noun phrase for messages: "must not contain <kind>". Lowercase, generic, never part of a value. */
  readonly kind: string;
  /** One line for operators. */
  readonly description: string;
  /** The check applied after the pattern matched, when there is one. */
  readonly checksum?: string;
  /** False when `matches` certainly returns false; must be cheap. */
  readonly mayMatch: (text: DetectionText) => boolean;
  readonly matches: (text: DetectionText, context: DetectionContext) => boolean;
}

/** The default upper bound for resident-ID birth dates when the caller passes no clock. */
export const NO_CLOCK_LATEST_BIRTH_DATE = 20991231;

/** Digit runs this long or longer are rejected whatever they contain (domain.md §6 IMEI row). */
export const LONG_DIGIT_RUN_MINIMUM = 14;
const MOBILE_LENGTH = 11;

const hasRun = (text: DetectionText, predicate: (run: DigitRun) => boolean): boolean => text.digitRuns.some(predicate);

// --- digit-run detectors -------------------------------------------------------------------

// A mobile number glued to neighbouring digits (`iPhone 1` + number + `3`) is no longer delimited
// by non-digits, so every run of 11–13 digits is searched for a 1[3-9]xxxxxxxxx window, which
// also covers the +86/86 prefix. Runs of 14+ are rejected by long_digit_run anyway.
function containsMobileWindow(run: DigitRun): boolean {
  const { digits } = run;
  if (digits.length < MOBILE_LENGTH || digits.length >= LONG_DIGIT_RUN_MINIMUM) return false;
  for (let i = 0; i + MOBILE_LENGTH <= digits.length; i++) {
    const second = digits.charCodeAt(i + 1);
    if (digits.charCodeAt(i) === 49 && second >= 51 && second <= 57) return true;
  }
  return false;
}

// Area codes: 010 and 02x take 8-digit local numbers, 0[3-9]xx take 7 or 8 (written with or
// without a hyphen; the hyphen is gone in `joined`). +86/0086 drops the trunk 0.
const LANDLINE_RUN = /^(?:0|86|0086)(?:10|2[0-9])[0-9]{7,8}$|^(?:0|86|0086)[3-9][0-9]{2}[0-9]{7,8}$/;
const PARENTHESISED_LANDLINE = /\(0[1-9][0-9]{1,2}\)\s*[0-9]{7,8}(?![0-9])/;

function isResidentId18Candidate(run: DigitRun, joined: string, latestBirthDate: number): boolean {
  let id: string;
  if (run.digits.length === 18) id = run.digits;
  else if (run.digits.length === 17 && (joined[run.end] === 'X' || joined[run.end] === 'x')) id = `${run.digits}X`;
  else return false;
  if (id.charCodeAt(0) === 48) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || !isRealCalendarDate(year, month, day)) return false;
  if (year * 10000 + month * 100 + day > latestBirthDate) return false;
  return isResidentIdChecksumValid(id);
}

function isResidentId15Candidate(run: DigitRun): boolean {
  const { digits } = run;
  if (digits.length !== 15 || digits.charCodeAt(0) === 48) return false;
  // Legacy IDs carry a two-digit year; all were issued to people born in the 1900s.
  return isRealCalendarDate(1900 + Number(digits.slice(6, 8)), Number(digits.slice(8, 10)), Number(digits.slice(10, 12)));
}

// --- pattern detectors ---------------------------------------------------------------------

// RFC 5322 atext plus '.', so any local part is matched at least by its last character; the
// domain needs one dot and a top-level domain starting with two letters.
const EMAIL = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2}/;

// GA 36-2018. One optional separator is allowed after the province and after the issuing-authority
// letter (`京A·12345`, `京 A 12345`); separators between digits are already gone in `joined`.
const PLATE_SEPARATOR = '[\\s·•・.-]?';
const LICENCE_PLATE = new RegExp(
  `[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领]${PLATE_SEPARATOR}[A-HJ-NP-Z]${PLATE_SEPARATOR}` +
    '(?:[A-HJK][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[A-HJK]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])',
  'i',
);

// Passports (E/G + 8 digits, E + letter + 7), the mainland travel permit for Hong Kong and Macao
// (C + 8), the home-return permit (H/M + 8 or 10) and a Hong Kong identity card with its check
// digit in parentheses.
const PASSPORT_PERMIT =
  /(?<![A-Za-z0-9])(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|C[A-HJ-NP-Z0-9][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?|[A-Z]{1,2}[0-9]{6}\([0-9A]\))(?![A-Za-z0-9])/;

// Same separator throughout (back-reference), or the dotted Cisco form.
const MAC_ADDRESS =
  /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])|(?<![0-9A-Fa-f.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f.])/;

const MEID_HEX = /(?<![0-9A-Fa-f])[A-Fa-f][0-9A-Fa-f]{13}(?![0-9A-Fa-f])/g;
const HAS_DIGIT = /[0-9]/;

const HEX_HASH = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

// Only the scheme's last letter is matched: a scheme-length prefix would rescan long words.
const URL_PATTERN = /[A-Za-z]:\/\/\S|(?<![A-Za-z0-9])www\.[A-Za-z0-9-]+\.[A-Za-z]{2}/i;
const MIGHT_BE_URL = /:\/\/|www\./i;

const DATA_URI = /data:[\w.+-]+\/[\w.+-]+(?:;[\w.+=-]+)*[;,]/i;
const BASE64_MINIMUM = 200;
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/_-]{${BASE64_MINIMUM}}`);
const MIGHT_BE_DATA_URI = /data:/i;

// Decimal degrees with 4+ decimals (≈10 m), as lat,lng or lng,lat, optionally with hemisphere
// letters; plus degree-minute-second notation, which is a coordinate even on its own. The pair is
// found as two decimals with a short separator between them, rather than one regex, because a
// regex with optional whitespace on both sides of an optional comma backtracks polynomially.
const DECIMAL_DEGREES = /(?<![0-9.])-?[0-9]{1,3}\.[0-9]{4,}/g;
const GPS_PAIR_GAP = /^\s*[NSEWnsew]?\s*[,;/|]?\s*[NSEWnsew]?\s*$/;
const GPS_PAIR_MAX_GAP = 8;
const DMS_COORDINATE = /[0-9]{1,3}\s*°\s*[0-9]{1,2}\s*['′]\s*[0-9]{1,2}/;

// domain.md §6 address row, with the optional road group folded into the bounded gap, plus a
// road + number without an admin unit, and bare building/room numbers (12号楼, 302室, 3单元).
const CN_ADDRESS = new RegExp(
  [
    '[\\u4e00-\\u9fa5]{2}(?:省|自治区|市|区|县|镇|乡|街道)[\\s\\S]{0,40}?[0-9]{1,6}\\s*(?:号|栋|幢|单元|层|楼|室)',
    '[\\u4e00-\\u9fa5](?:路|街|大道|大街|巷|弄|胡同)\\s*[0-9]{1,6}\\s*号',
    '[0-9]{1,6}\\s*(?:号楼|号院|栋|幢|单元|室)',
  ].join('|'),
);

const NAME_LABELS = '姓名|联系人|收货人|收件人|寄件人|机主|客户|经办人|质检员|持卡人|户主';
const PERSON_NAME = new RegExp(
  [
    `(?:${NAME_LABELS})\\s*(?:[:：]\\s*)?[\\u4e00-\\u9fa5·]{2}`,
    // Single-character surnames as one class: an alternation of ~200 would be tried at every position.
    `[${CHINESE_SURNAMES.filter((surname) => surname.length === 1).join('')}](?:先生|女士|小姐)`,
    `(?:${CHINESE_SURNAMES.filter((surname) => surname.length > 1).join('|')})(?:先生|女士|小姐)`,
  ].join('|'),
);
const LATIN_LABELLED_NAME = /(?<![A-Za-z])(?:name|contact|consignee|recipient)\s*[:=]\s*[A-Za-z\u4e00-\u9fa5]/i;

function containsGpsPair(folded: string): boolean {
  if (DMS_COORDINATE.test(folded)) return true;
  let previousEnd = -1;
  let previousValue = 0;
  for (const match of folded.matchAll(DECIMAL_DEGREES)) {
    const value = Math.abs(Number(match[0]));
    if (previousEnd >= 0 && match.index - previousEnd <= GPS_PAIR_MAX_GAP) {
      const gap = folded.slice(previousEnd, match.index);
      const inRange = (previousValue <= 90 && value <= 180) || (previousValue <= 180 && value <= 90);
      if (inRange && GPS_PAIR_GAP.test(gap)) return true;
    }
    previousEnd = match.index + match[0].length;
    previousValue = value;
  }
  return false;
}

function containsMeid(joined: string): boolean {
  for (const match of joined.matchAll(MEID_HEX)) {
    // A digit is required: 14 letters a–f in a row is a word game, not a device identifier.
    if (HAS_DIGIT.test(match[0])) return true;
  }
  return false;
}

/** Every detector, in run order. Exported so operator docs can print ids and descriptions. */
export const PII_DETECTORS: readonly PiiDetector[] = [
  {
    id: 'cn_mobile',
    kind: 'a mainland mobile number',
    description: 'Mainland mobile number 1[3-9] + 9 digits, also with +86/0086 or glued inside a run of up to 13 digits.',
    checksum: 'prefix range 13x–19x',
    mayMatch: (t) => t.longestDigitRun >= MOBILE_LENGTH,
    matches: (t) => hasRun(t, containsMobileWindow),
  },
  {
    id: 'cn_landline',
    kind: 'a landline telephone number',
    description: 'Mainland landline: area code 010/02x/0xxx + 7–8 digits, with or without hyphen, parentheses or +86.',
    mayMatch: (t) => t.longestDigitRun >= 7,
    matches: (t) => hasRun(t, (run) => LANDLINE_RUN.test(run.digits)) || PARENTHESISED_LANDLINE.test(t.joined),
  },
  {
    id: 'resident_id_18',
    kind: 'a resident identity card number',
    description: '18-digit resident identity card number (GB 11643-1999) with a real birth date from 1900 up to the scan date.',
    checksum: 'ISO 7064 MOD 11-2 check character; birth date exists and is not in the future',
    mayMatch: (t) => t.longestDigitRun >= 17,
    matches: (t, c) => hasRun(t, (run) => isResidentId18Candidate(run, t.joined, c.latestBirthDate)),
  },
  {
    id: 'resident_id_15',
    kind: 'a legacy resident identity card number',
    description: '15-digit legacy resident identity card number with a real yymmdd birth date.',
    checksum: 'birth date exists',
    mayMatch: (t) => t.longestDigitRun >= 15,
    matches: (t) => hasRun(t, isResidentId15Candidate),
  },
  {
    id: 'imei',
    kind: 'an imei',
    description: 'IMEI (3GPP TS 23.003): exactly 15 digits.',
    checksum: 'Luhn',
    mayMatch: (t) => t.longestDigitRun >= 15,
    matches: (t) => hasRun(t, (run) => run.digits.length === 15 && isLuhnValid(run.digits)),
  },
  {
    id: 'meid',
    kind: 'a meid',
    description: 'MEID in hex: 14 hex digits starting with A–F and containing a digit (the decimal form is a long digit run).',
    mayMatch: (t) => t.hasAsciiLetter && t.longestDigitRun >= 1 && t.joined.length >= 14,
    matches: (t) => containsMeid(t.joined),
  },
  {
    id: 'iccid',
    kind: 'a sim card number',
    description: 'SIM ICCID (89 + 17–18 digits) or eUICC EID (89 + 30 digits).',
    checksum: 'Luhn for ICCID; ISO 7064 MOD 97-10 for EID',
    mayMatch: (t) => t.longestDigitRun >= 19,
    matches: (t) =>
      hasRun(t, ({ digits }) => {
        if (!digits.startsWith('89')) return false;
        if (digits.length === 19 || digits.length === 20) return isLuhnValid(digits);
        return digits.length === 32 && isMod97Valid(digits);
      }),
  },
  {
    id: 'imsi',
    kind: 'an imsi',
    description: 'Mainland IMSI: 460 (MCC) + 12 digits.',
    mayMatch: (t) => t.longestDigitRun >= 15,
    matches: (t) => hasRun(t, ({ digits }) => digits.length === 15 && digits.startsWith('460')),
  },
  {
    id: 'bank_card',
    kind: 'a bank card number',
    description: 'Bank card number: 16–19 digits.',
    checksum: 'Luhn',
    mayMatch: (t) => t.longestDigitRun >= 16,
    matches: (t) => hasRun(t, ({ digits }) => digits.length >= 16 && digits.length <= 19 && isLuhnValid(digits)),
  },
  {
    id: 'email',
    kind: 'an e-mail address',
    description: 'E-mail address, including full-width ＠ and full-width letters.',
    mayMatch: (t) => t.hasAt,
    matches: (t) => EMAIL.test(t.joined),
  },
  {
    id: 'licence_plate',
    kind: 'a vehicle licence plate',
    description: 'Vehicle licence plate (GA 36-2018), incl. 8-character new-energy plates, no I or O.',
    mayMatch: (t) => t.hasCjk && t.hasAsciiLetter,
    matches: (t) => LICENCE_PLATE.test(t.joined),
  },
  {
    id: 'passport_permit',
    kind: 'a passport or travel permit number',
    description: 'Passport (E/G + 8 digits, E + letter + 7), travel permits (C + 8, H/M + 8 or 10) and HKID.',
    mayMatch: (t) => t.hasAsciiLetter && t.longestDigitRun >= 6,
    matches: (t) => PASSPORT_PERMIT.test(t.joined),
  },
  {
    id: 'mac_address',
    kind: 'a mac address',
    description: 'MAC address: six hex pairs separated by ":" or "-", or three dotted hex quads.',
    mayMatch: (t) => (t.hasColon || t.hasHyphen || t.hasDot) && t.folded.length >= 14,
    matches: (t) => MAC_ADDRESS.test(t.folded),
  },
  {
    id: 'hex_hash',
    kind: 'a hex-encoded hash',
    description: 'Hex string of exactly 32, 40 or 64 digits (MD5, SHA-1, SHA-256): hashes of phones and IMEIs can be brute-forced.',
    mayMatch: (t) => t.folded.length >= 32,
    matches: (t) => HEX_HASH.test(t.folded),
  },
  {
    id: 'url',
    kind: 'a url',
    description: 'URL: any scheme:// or a www. host.',
    mayMatch: (t) => t.hasColon || t.hasDot,
    matches: (t) => MIGHT_BE_URL.test(t.folded) && URL_PATTERN.test(t.folded),
  },
  {
    id: 'data_uri_base64',
    kind: 'a data uri or base64 payload',
    description: `data: URI (images, documents) or a base64/base64url run of ${BASE64_MINIMUM}+ characters.`,
    mayMatch: (t) => t.hasColon || t.folded.length >= BASE64_MINIMUM,
    matches: (t) => (MIGHT_BE_DATA_URI.test(t.folded) && DATA_URI.test(t.folded)) || BASE64_RUN.test(t.folded),
  },
  {
    id: 'gps_pair',
    kind: 'a gps coordinate',
    description: 'GPS position: a decimal-degree pair with 4+ decimals in range, or a degree-minute-second coordinate.',
    mayMatch: (t) => t.longestDigitRun >= 1 && (t.hasDot || t.folded.includes('°')),
    matches: (t) => containsGpsPair(t.folded),
  },
  {
    id: 'cn_address',
    kind: 'a street address',
    description: 'Street address: admin unit + road/building + number, road + 号, or a bare 12号楼/302室/3单元.',
    mayMatch: (t) => t.hasCjk && t.longestDigitRun >= 1,
    matches: (t) => CN_ADDRESS.test(t.joined),
  },
  {
    id: 'person_name',
    kind: "a person's name",
    description: 'Labelled name (姓名/联系人/收货人/机主/客户 … + name, name: …) or surname + 先生/女士/小姐.',
    mayMatch: (t) => t.hasCjk || t.hasColon || t.folded.includes('='),
    matches: (t) => (t.hasCjk && PERSON_NAME.test(t.folded)) || LATIN_LABELLED_NAME.test(t.folded),
  },
  {
    id: 'serial_number',
    kind: 'a device serial number',
    description: 'Device serial: labelled (SN/S/N/serial/序列号/串号 …), SN-prefixed, or serial-shaped; see serial-number-shape.ts.',
    mayMatch: (t) => t.hasAsciiLetter && t.longestDigitRun >= 1,
    matches: (t) => containsDeviceSerial(t.joined),
  },
  {
    id: 'long_digit_run',
    kind: 'a long run of digits',
    description: `Backstop: any run of ${LONG_DIGIT_RUN_MINIMUM} or more digits after joining separated digits, whatever its checksum.`,
    mayMatch: (t) => t.longestDigitRun >= LONG_DIGIT_RUN_MINIMUM,
    matches: () => true,
  },
];
