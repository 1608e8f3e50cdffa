import type { DetectorId } from '../privacy/detectors.ts';
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
// ("aaaa…", "abcabc…"), not randomness. Measured bounds: a random 22-character base64url string has
// fewer than 12 distinct characters about once in 10⁶, 32 random hex digits fewer than 8 about once in 10⁸.
const MIN_DISTINCT_BASE64URL = 12;
const MIN_DISTINCT_HEX = 8;

// Random bytes decoded leniently are noise in which identifier shapes (a serial-like run, 14 hex digits)
// turn up by chance; the detectors for personal data proper (phones, IDs, cards, e-mail, names…) still run.
const NOISE_SHAPED: ReadonlySet<DetectorId> = new Set(['hex_hash', 'serial_number', 'long_digit_run', 'meid', 'passport_permit']);

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
  // Control characters other than whitespace are what random bytes decode to; text has none.
  if (text !== undefined && !/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/u.test(text)) return true;
  const lenient = lenientUtf8.decode(bytes);
  const latin1 = bytes.toString('latin1');
  return [lenient, latin1].some((decoded) => findPiiInText(decoded, { skip: NOISE_SHAPED }).length > 0);
}
