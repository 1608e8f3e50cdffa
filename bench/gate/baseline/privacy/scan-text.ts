/**
 * Runs the detectors on one string. This is the hot path of the gate (every string of every
 * document), so it exits early for strings no detector can match and runs each detector's cheap
 * pre-check before its pattern.
 */
import { NO_CLOCK_LATEST_BIRTH_DATE, PII_DETECTORS, type DetectionContext, type DetectorId } from './detectors.ts';
import { prepareDetectionText } from './normalise-text.ts';

export interface TextScanOptions {
  /** Detectors not to run on this string (from a field's exemption). */
  readonly skip?: ReadonlySet<DetectorId>;
  /** Exact catalogue lookup; a `true` answer suppresses `serial_number` only. */
  readonly isKnownModel?: (text: string) => boolean;
  /** The scan date (UTC), the latest possible birth date in a resident ID. See DetectionContext. */
  readonly asOf?: Date;
}

const NONE: readonly DetectorId[] = Object.freeze([]);

// A hub-issued ticket is a UUID; its random hex groups, once hyphens between digits are joined,
// would now and then look like a phone or card number. Only a value that IS a canonical UUID, as
// a whole, is skipped: inserting anything into a UUID changes its length, so this cannot hide an
// inserted value. (A sender could deliberately encode digits in a UUID-shaped string, as in any
// opaque token; no detector can see through that.)
const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID_LENGTH = 36;

// Short ASCII strings without digits or any of @ : . = - (enum values, brand names) cannot match
// any detector: every pattern needs one of those, CJK, or at least 32 characters.
const INERT_SHORT_ASCII = /^[^0-9@:.=\-\x80-\uffff]{0,31}$/;
// Numbers, months and dates with at most nine digits in all (`390000`, `0.194`, `2025-04`,
// `2025-04-09`): the shortest digit-only detector (a 10-digit landline) needs more, and patterns
// with letters, '@' or CJK cannot match.
const INERT_SHORT_NUMERIC = /^[0-9]{1,9}$|^(?=[^.-]*[.-])[0-9.-]{1,10}$/;

/**
 * Returns the ids of the detectors that match `text`, in detector order, each at most once.
 * Inputs: any string (it is normalised internally; the original is never kept or returned).
 * Invariants: the result names detectors only, never any part of the text; the same input and
 * options always give the same result. Never throws.
 */
export function findPiiInText(text: string, options: TextScanOptions = {}): readonly DetectorId[] {
  if (INERT_SHORT_ASCII.test(text) || INERT_SHORT_NUMERIC.test(text)) return NONE;
  if (text.length === UUID_LENGTH && CANONICAL_UUID.test(text)) return NONE;
  const prepared = prepareDetectionText(text);
  const context = contextFor(options);
  let hits: DetectorId[] | undefined;
  for (const detector of PII_DETECTORS) {
    if (options.skip?.has(detector.id)) continue;
    if (!detector.mayMatch(prepared) || !detector.matches(prepared, context)) continue;
    if (detector.id === 'serial_number' && options.isKnownModel?.(text) === true) continue;
    (hits ??= []).push(detector.id);
  }
  return hits ?? NONE;
}

const NO_CLOCK_CONTEXT: DetectionContext = { latestBirthDate: NO_CLOCK_LATEST_BIRTH_DATE };

function contextFor(options: TextScanOptions): DetectionContext {
  const { asOf } = options;
  if (asOf === undefined) return NO_CLOCK_CONTEXT;
  // An invalid Date would make every comparison false; fall back to the permissive bound, which
  // can only flag more, never less.
  if (Number.isNaN(asOf.getTime())) return NO_CLOCK_CONTEXT;
  return { latestBirthDate: asOf.getUTCFullYear() * 10000 + (asOf.getUTCMonth() + 1) * 100 + asOf.getUTCDate() };
}
