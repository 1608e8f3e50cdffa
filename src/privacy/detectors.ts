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
import type { DetectionText, DigitRun } from './normalise-text.ts';
import { containsBirthDate } from './birth-date.ts';
import { containsEmailAddress } from './email-address.ts';
import { containsCoordinates, containsGeohash } from './geo-location.ts';
import { containsLicencePlate } from './licence-plate.ts';
import { containsMessagingId } from './messaging-id.ts';
import { containsIpAddress, containsMacAddress } from './network-address.ts';
import { containsPersonName } from './person-names.ts';
import { containsDeviceSerial } from './serial-number-shape.ts';
import { containsStreetAddress } from './street-address.ts';
import { containsTravelDocument } from './travel-documents.ts';

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
  | 'geohash'
  | 'ip_address'
  | 'date_of_birth'
  | 'messaging_id'
  | 'cn_address'
  | 'person_name'
  | 'serial_number'
  | 'long_digit_run';

/** Facts a detector may need that are not in the text itself. */
export interface DetectionContext {
  /**
   * False in fields that hold random tokens by design (pseudonyms, opaque references): shapes that
   * random base64url or hex shows now and then (a bare 12-hex MAC, a geohash-like word) are not
   * looked for there. Every other detector still runs.
   */
  readonly bareShapes: boolean;
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

const MEID_HEX = /(?<![0-9A-Fa-f])[A-Fa-f][0-9A-Fa-f]{13}(?![0-9A-Fa-f])/g;
const HAS_DIGIT = /[0-9]/;
const MAY_SPELL_EMAIL = /[#([{<]/;

const HEX_HASH = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

// Only the scheme's last letter is matched: a scheme-length prefix would rescan long words.
const URL_PATTERN = /[A-Za-z]:\/\/\S|(?<![A-Za-z0-9])www\.[A-Za-z0-9-]+\.[A-Za-z]{2}/i;
const MIGHT_BE_URL = /:\/\/|www\./i;

const DATA_URI = /data:[\w.+-]+\/[\w.+-]+(?:;[\w.+=-]+)*[;,]/i;
const BASE64_MINIMUM = 200;
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/_-]{${BASE64_MINIMUM}}`);
const MIGHT_BE_DATA_URI = /data:/i;

// IMEI reporting bodies (the first two digits of the TAC, GSMA): a 15-digit number starting with
// anything else is no IMEI (order numbers start with a year, 20…).
const IMEI_REPORTING_BODIES = new Set(['01', '10', '30', '33', '35', '44', '45', '49', '50', '51', '52', '53', '54', '86', '91', '98', '99']);
// Card issuer prefixes (ISO/IEC 7812 major industry identifiers 3–6 and Mastercard's 2-series);
// an order number starting with a year (20…) is no card.
const CARD_ISSUER = /^(?:[3-6]|2[2-7]|9[45])/;

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
    description: 'IMEI (3GPP TS 23.003): exactly 15 digits starting with a GSMA reporting body.',
    checksum: 'Luhn',
    mayMatch: (t) => t.longestDigitRun >= 15,
    matches: (t) => hasRun(t, ({ digits }) => digits.length === 15 && IMEI_REPORTING_BODIES.has(digits.slice(0, 2)) && isLuhnValid(digits)),
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
    description: 'Bank card number: 16–19 digits with an issuer prefix (2-series, 3–6, 94/95).',
    checksum: 'Luhn',
    mayMatch: (t) => t.longestDigitRun >= 16,
    matches: (t) => hasRun(t, ({ digits }) => digits.length >= 16 && digits.length <= 19 && CARD_ISSUER.test(digits) && isLuhnValid(digits)),
  },
  {
    id: 'email',
    kind: 'an e-mail address',
    description: 'E-mail address, including full-width ＠ and letters, and spelled-out forms (at … dot, [at], 艾特, 点).',
    mayMatch: (t) => t.hasAt || (t.folded.length >= 8 && (t.hasSpace || t.hasCjk || MAY_SPELL_EMAIL.test(t.folded))),
    matches: (t) => containsEmailAddress(t.folded, t.joined, t.hasAt),
  },
  {
    id: 'licence_plate',
    kind: 'a vehicle licence plate',
    description: 'Vehicle licence plate (GA 36-2018), incl. 8-character new-energy plates, no I or O, and romanised (Jing A12345).',
    mayMatch: (t) => t.hasAsciiLetter && (t.hasCjk || (t.longestDigitRun >= 3 && (t.hasSpace || t.hasHyphen || t.hasDot))),
    matches: (t) => containsLicencePlate(t.joined, t.hasCjk),
  },
  {
    id: 'passport_permit',
    kind: 'a passport or travel permit number',
    description: 'Passports, HK/Macao/Taiwan permits, HK/Macao/Taiwan identity cards, and labelled document numbers; see travel-documents.ts.',
    mayMatch: (t) => (t.hasAsciiLetter || t.folded.includes('(')) && t.longestDigitRun >= 5,
    matches: (t) => containsTravelDocument(t.folded, t.joined),
  },
  {
    id: 'mac_address',
    kind: 'a mac address',
    description: 'MAC address: six hex pairs with one separator throughout, three dotted hex quads, or 12 bare hex digits with letters and digits.',
    mayMatch: (t) => t.folded.length >= 12 && t.longestDigitRun >= 1,
    matches: (t, c) => containsMacAddress(t.folded, c.bareShapes),
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
    description: 'GPS position: a decimal-degree pair in range (4+ decimals, or 3 inside China), a degree-minute-second coordinate, or a labelled one.',
    mayMatch: (t) => t.longestDigitRun >= 1 && (t.hasDot || t.folded.includes('°')),
    matches: (t) => containsCoordinates(t.folded),
  },
  {
    id: 'geohash',
    kind: 'a geohash',
    description: 'Geohash: labelled, or a lower-case 7–12 character geohash word over China (t, w, x, y) with digits and letters.',
    mayMatch: (t) => t.hasAsciiLetter && t.longestDigitRun >= 1 && t.folded.length >= 7,
    matches: (t, c) => containsGeohash(t.folded, c.bareShapes),
  },
  {
    id: 'ip_address',
    kind: 'an ip address',
    description: 'IPv4 (labelled, or not shaped like a version number) or IPv6 (full, abbreviated with 3+ groups, or a known prefix).',
    mayMatch: (t) => t.hasDot || t.hasColon,
    matches: (t) => containsIpAddress(t.folded),
  },
  {
    id: 'date_of_birth',
    kind: 'a date of birth',
    description: 'Date of birth: a labelled real date, or a real date with a day before 2001.',
    mayMatch: (t) => t.longestDigitRun >= 4,
    matches: (t) => containsBirthDate(t.numerals),
  },
  {
    id: 'messaging_id',
    kind: 'a wechat or qq account',
    description: 'WeChat or QQ account: labelled (微信, wechat, vx, QQ, 扣扣 …) and followed by an id, or a wxid_ id.',
    mayMatch: (t) => t.hasAsciiLetter || t.longestDigitRun >= 5,
    matches: (t) => containsMessagingId(t.folded),
  },
  {
    id: 'cn_address',
    kind: 'a street address',
    description:
      'Street address: admin unit + number + building unit, road + 号, a bare 12号楼/302室/3单元, admin unit + named road or estate, or a romanised street.',
    mayMatch: (t) => t.hasCjk || (t.hasAsciiLetter && t.hasSpace && t.folded.length >= 8),
    matches: (t) => containsStreetAddress(t.joined, t.hasCjk),
  },
  {
    id: 'person_name',
    kind: "a person's name",
    description:
      'Personal name: labelled, with an honorific or title, owner of a device (张伟的手机), or a bare surname + common given name; see person-names.ts.',
    mayMatch: (t) => t.hasCjk || (t.hasAsciiLetter && (t.hasSpace || t.hasColon || t.hasDot || t.folded.includes('=') || t.folded.includes("'"))),
    matches: (t) => containsPersonName(t.folded, t.hasCjk),
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
