import { PII_DETECTORS, type DetectorId } from '../privacy/detectors.ts';
import { findPiiInText } from '../privacy/scan-text.ts';

/**
 * A subjectRef must be a pseudonym, not a disguised identifier: a UUID, or at least 128 bits in hex or
 * base64url, that looks random and does not decode to text or to a personal datum. Pure; never throws.
 *
 * Why decoding: a platform that base64-encodes a phone number ("MTM4MDAxMzgwMDA") or hex-encodes an
 * e-mail sends a value the detectors cannot read as it stands, and the hub would keep (and a token would
 * carry) the person's datum. HMAC outputs and random ids decode to bytes that are not text.
 */
export type SubjectRefProblem = 'vocabulary.subject_ref_shape' | 'vocabulary.subject_ref_decodes';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const HEX = /^(?:[0-9a-f]{2}){16,64}$/iu;
const BASE64URL = /^[A-Za-z0-9_-]{22,128}$/u;

// 128 random bits spread over many symbols; fewer distinct characters than this means a pattern
// ("aaaa…", "abcabc…"), not randomness. Exact bounds: a random 22-character base64url string has fewer
// than 10 distinct characters about once in 4 × 10⁸ (fewer than 12, the earlier bound, once in 480,000 —
// a real user refused for good), 32 random hex digits fewer than 8 about once in 10⁸.
const MIN_DISTINCT_BASE64URL = 10;
const MIN_DISTINCT_HEX = 8;

// Random bytes decoded leniently are noise, and noise holds short shapes of almost every class: measured on
// 900,000 random pseudonyms, one in ~40,000 was refused for a two-character "name", an "x@y.zz", a geohash,
// a serial-like run or a licence plate found in its Latin-1 reading — a real user refused for good. In a
// lenient reading only the numbers run: phones, IDs, cards, IMEIs and SIM numbers need ten or more digits
// in a row (a random byte is a digit one time in 26) and most carry a check digit. A value that is text
// as a whole (below) is read by every detector.
const LENIENT_DETECTORS: ReadonlySet<DetectorId> = new Set([
  'cn_mobile',
  'cn_landline',
  'resident_id_18',
  'resident_id_15',
  'imei',
  'iccid',
  'imsi',
  'bank_card',
]);
const NOT_IN_LENIENT_READINGS: ReadonlySet<DetectorId> = new Set(PII_DETECTORS.map((detector) => detector.id).filter((id) => !LENIENT_DETECTORS.has(id)));

// Text a person would encode: printable ASCII, CJK ideographs and punctuation, full-width forms. Random
// bytes that happen to be valid UTF-8 read as Latin-1 supplements, Greek, Cyrillic, Arabic and rare
// ideographs instead (two in 300,000 random pseudonyms did, with no control character).
const READABLE_TEXT = /^[\u0009\u000a\u000d\u0020-\u007e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+$/u;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Why `ref` is not an acceptable pseudonym, or undefined when it is. */
export function subjectRefProblem(ref: string): SubjectRefProblem | undefined {
  let bytes: Buffer;
  if (UUID.test(ref)) {
    if (distinct(ref.replace(/-/gu, '').toLowerCase()) < MIN_DISTINCT_HEX) return 'vocabulary.subject_ref_shape';
    bytes = Buffer.from(ref.replace(/-/gu, ''), 'hex');
  } else if (HEX.test(ref)) {
    if (distinct(ref.toLowerCase()) < MIN_DISTINCT_HEX) return 'vocabulary.subject_ref_shape';
    bytes = Buffer.from(ref, 'hex');
  } else if (BASE64URL.test(ref) && /[A-Za-z]/u.test(ref)) {
    if (distinct(ref) < MIN_DISTINCT_BASE64URL) return 'vocabulary.subject_ref_shape';
    bytes = Buffer.from(ref, 'base64url');
  } else {
    return 'vocabulary.subject_ref_shape';
  }
  return decodesToSomething(bytes) ? 'vocabulary.subject_ref_decodes' : undefined;
}

function distinct(text: string): number {
  return new Set(text).size;
}

/** Text (every character printable) or any personal datum in a lenient decoding. */
function decodesToSomething(bytes: Buffer): boolean {
  let text: string | undefined;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined && READABLE_TEXT.test(text)) return true;
  const lenient = lenientUtf8.decode(bytes);
  const latin1 = bytes.toString('latin1');
  return [lenient, latin1].some((decoded) => findPiiInText(decoded, { skip: NOT_IN_LENIENT_READINGS }).length > 0);
}
