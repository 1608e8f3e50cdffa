/**
 * Device serial numbers have no universal format, and model codes look a lot like them
 * (`TG100V88WMUIADY5`, `KA92NV02TI`, `EG100MATE2S` are catalogue models). The gate therefore
 * flags a token as a serial only when one of three signals is present:
 *
 * 1. a label: `SN:`, `S/N`, `serial (no|number)`, 序列号, 串号, 机身码 … followed by a token with
 *    a digit (`SN: R58M123ABCD`, `S/N R58M123ABCD`, `序列号F2LXK0ABHG7F`);
 * 2. an `SN` prefix glued to 10+ upper-case alphanumerics with 2+ digits (`SNCF7C85E44AF0`).
 *    Ten, not fewer, because Siemens dishwasher models are `SN` + 8 (`SN23HI60CE`) and WD SSDs
 *    are `SN770`;
 * 3. a serial-like shape: 11–24 alphanumerics in one letter case, with a letter outside A–F, and
 *    at least three digit groups none longer than two digits (`F2LXK0ABHG7F`, `C02XG2JHJGH5`).
 *    Model codes encode capacities and sizes as 3+ digit groups (`TG100…`, `BCD-516…`,
 *    `EC6001…`) or are short (`KA92NV02TI`, 10), which is what keeps them out.
 *
 * Trade-off, stated plainly: an unlabelled serial with a 3+ digit group (`R58M123ABCD`, Samsung
 * style) or of 10 characters or fewer (newer Apple serials) is indistinguishable from a model code
 * by shape and is NOT caught; and an unusual model code shaped like rule 3 (e.g. a 12-character
 * code such as `AB1CD2EF3GH4`) IS flagged unless the caller's `isKnownModel` recognises it. Pure
 * hex tokens are left to `hex_hash`/`meid`. The catalogue check at a higher layer is the real
 * defence for model fields; free text and unknown fields are rejected by the schema anyway.
 */

// Explicit labels (S/N, serial number) may be followed by a plain space; the short ones (SN,
// serial) need a ':' '#' or '=' so that a stray word "sn" before a size ("sn 1234GB") is not a
// label, except upper-case "SN " before a token of 8+ with letters and digits.
const LABELLED_SERIAL =
  /(?<![A-Za-z])(?:(?:S\/N|serial[\s_-]*(?:no|number|num)|serial\s*#)\.?\s*(?:[:：#=]\s*)?|(?:SN|serial)\s*[:：#=]\s*)([A-Za-z0-9][A-Za-z0-9-]{4,})/gi;
// Bounded token and an anchoring look-ahead without backtracking into a split: see detectors.ts.
const SPACED_UPPER_CASE_SN = /(?<![A-Za-z])SN\s+([A-Z0-9-]{8,})(?![A-Za-z0-9])/g;
const CJK_LABELLED_SERIAL = /(?:序列号|串号|机身码|机身号|设备号|SN码|SN号)\s*(?:[:：#=]\s*)?([A-Za-z0-9][A-Za-z0-9-]{3,})/g;
const SN_PREFIXED_SERIAL = /(?<![A-Za-z0-9])SN([A-Z0-9]{10,})/g;
const LONG_ALPHANUMERIC_TOKEN = /[A-Za-z0-9]{11,}/g;
const HAS_DIGIT = /[0-9]/;
const HAS_UPPER_CASE_LETTER = /[A-Z]/;
const TWO_DIGITS = /[0-9][^0-9]*[0-9]/;
const MIGHT_BE_LABELLED = /sn|s\/n|serial|序列号|串号|机身|设备号/i;

const MIN_SHAPED_LENGTH = 11;
const MAX_SHAPED_LENGTH = 24;
const MIN_DIGIT_GROUPS = 3;
const MAX_DIGIT_GROUP_LENGTH = 2;

/**
 * True when `joined` (the detection copy from `prepareDetectionText`) contains a labelled,
 * SN-prefixed or serial-shaped token as described at the top of this module.
 * Never throws; linear in the length of the input.
 */
export function containsDeviceSerial(joined: string): boolean {
  if (MIGHT_BE_LABELLED.test(joined) && containsLabelledSerial(joined)) return true;
  for (const match of joined.matchAll(SN_PREFIXED_SERIAL)) {
    if (TWO_DIGITS.test(match[1] ?? '')) return true;
  }
  for (const match of joined.matchAll(LONG_ALPHANUMERIC_TOKEN)) {
    if (hasSerialShape(match[0])) return true;
  }
  return false;
}

/**
 * True when `token` (letters and digits only) has the serial shape of rule 3 above: 11–24
 * characters, not mixed case, a letter outside A–F, and at least three digit groups each at
 * most two digits long. Never throws.
 */
export function hasSerialShape(token: string): boolean {
  if (token.length < MIN_SHAPED_LENGTH || token.length > MAX_SHAPED_LENGTH) return false;
  let hasUpper = false;
  let hasLower = false;
  let hasNonHexLetter = false;
  let digitGroups = 0;
  let currentGroup = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      currentGroup++;
      if (currentGroup === 1) digitGroups++;
      if (currentGroup > MAX_DIGIT_GROUP_LENGTH) return false;
      continue;
    }
    currentGroup = 0;
    if (c >= 65 && c <= 90) {
      hasUpper = true;
      if (c > 70) hasNonHexLetter = true;
    } else if (c >= 97 && c <= 122) {
      hasLower = true;
      if (c > 102) hasNonHexLetter = true;
    } else {
      return false;
    }
  }
  return !(hasUpper && hasLower) && hasNonHexLetter && digitGroups >= MIN_DIGIT_GROUPS;
}

function containsLabelledSerial(joined: string): boolean {
  for (const pattern of [LABELLED_SERIAL, CJK_LABELLED_SERIAL]) {
    for (const match of joined.matchAll(pattern)) {
      if (HAS_DIGIT.test(match[1] ?? '')) return true;
    }
  }
  for (const match of joined.matchAll(SPACED_UPPER_CASE_SN)) {
    const token = match[1] ?? '';
    if (HAS_DIGIT.test(token) && HAS_UPPER_CASE_LETTER.test(token)) return true;
  }
  return false;
}
