/**
 * Runs the detectors on one string. This is the hot path of the gate (every string of every
 * document), so it exits early for strings no detector can match and runs each detector's cheap
 * pre-check before its pattern.
 */
import { NO_CLOCK_LATEST_BIRTH_DATE, PII_DETECTORS, type DetectionContext, type DetectorId } from './detectors.ts';
import { decodeEmbedded, mayBeEncoded } from './embedded-encodings.ts';
import { prepareDetectionText } from './normalise-text.ts';

export interface TextScanOptions {
  /** Detectors not to run on this string (from a field's exemption). */
  readonly skip?: ReadonlySet<DetectorId>;
  /** Exact catalogue lookup; a `true` answer suppresses `serial_number` only. */
  readonly isKnownModel?: (text: string) => boolean;
  /** The scan date (UTC), the latest possible birth date in a resident ID. See DetectionContext. */
  readonly asOf?: Date;
  /** The field holds random tokens by design (pseudonym, opaque reference): see DetectionContext.bareShapes. */
  readonly randomTokens?: boolean;
}

const NONE: readonly DetectorId[] = Object.freeze([]);

// A hub-issued ticket is a UUID; its random hex groups, once hyphens between digits are joined,
// would now and then look like a phone or card number. Only a value that IS a canonical UUID, as
// a whole, is skipped: inserting anything into a UUID changes its length, so this cannot hide an
// inserted value. (A sender could deliberately encode digits in a UUID-shaped string, as in any
// opaque token; no detector can see through that.)
const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID_LENGTH = 36;

// Lower-case enum words (`mobile_phone`, `online`) and short words (`Apple`, `OPPO`) cannot match any
// detector nor hide an encoded value: every pattern needs a digit, '@', a separator, CJK or a
// capital letter after a space, and a base64 run that decodes to five characters has eight.
const INERT_SHORT_ASCII = /^[a-z_]{0,31}$|^[A-Za-z]{0,7}$/;
// Numbers, months and short decimals (`390000`, `0.194`, `2025-04`): the shortest digit-only
// detector (a 10-digit landline) needs more, and a month has no day to be a birth date.
const INERT_SHORT_NUMERIC = /^[0-9]{1,9}$|^[0-9]{4}-[0-9]{2}$|^[0-9]{1,6}\.[0-9]{1,4}$/;
// Encodings are decoded and scanned again up to this many layers (base64 inside URL encoding …).
const MAX_DECODING_DEPTH = 3;

/**
 * Returns the ids of the detectors that match `text`, in detector order, each at most once.
 * Inputs: any string (it is normalised internally; the original is never kept or returned).
 * Encoded parts (URL encoding, HTML entities, escapes, base64, hex) are decoded and scanned again,
 * up to MAX_DECODING_DEPTH layers, with every detector (skips apply to the raw value only: a
 * pseudonym that decodes to readable text is not random).
 * Invariants: the result names detectors only, never any part of the text; the same input and
 * options always give the same result. Never throws.
 */
export function findPiiInText(text: string, options: TextScanOptions = {}): readonly DetectorId[] {
  const verdicts = options.isKnownModel === undefined ? cleanVerdictsFor(options) : undefined;
  if (verdicts?.has(text) === true) return NONE;
  if (INERT_SHORT_ASCII.test(text) || INERT_SHORT_NUMERIC.test(text)) return NONE;
  if (text.length === UUID_LENGTH && CANONICAL_UUID.test(text)) return NONE;
  const hits = scanAllLayers(text, options);
  if (hits.length === 0 && verdicts !== undefined && text.length <= CACHEABLE_LENGTH && !FIFTEEN_DIGITS.test(text)) {
    if (verdicts.size >= CLEAN_VERDICT_LIMIT) verdicts.clear();
    verdicts.add(text);
  }
  return hits;
}

// Standard documents repeat the same strings (property names, enum words, brands, models, months,
// grade words, a user's pseudonym) thousands of times; the verdict "no detector matches" is
// remembered for them, per scan profile (the skip set, which callers keep as module constants, and
// whether the field holds random tokens). Only clean verdicts are kept: a string that is personal
// data is never held, and one with 15+ digits is not cached because its verdict depends on the scan
// date (a resident ID's birth date). Bounded, so random strings cannot grow it.
const CLEAN_VERDICT_LIMIT = 8192;
const CACHEABLE_LENGTH = 64;
const FIFTEEN_DIGITS = /(?:[0-9][^0-9]*){15}/;
const NO_SKIP: ReadonlySet<DetectorId> = new Set();
const cleanVerdictsByProfile = new Map<ReadonlySet<DetectorId>, [plain: Set<string>, randomTokens: Set<string>]>();

function cleanVerdictsFor(options: TextScanOptions): Set<string> {
  const skip = options.skip ?? NO_SKIP;
  let profile = cleanVerdictsByProfile.get(skip);
  if (profile === undefined) {
    // A caller building a new skip set per call would grow this map; past a handful, stop caching.
    if (cleanVerdictsByProfile.size >= 16) return new Set();
    profile = [new Set(), new Set()];
    cleanVerdictsByProfile.set(skip, profile);
  }
  return options.randomTokens === true ? profile[1] : profile[0];
}

function scanAllLayers(text: string, options: TextScanOptions): readonly DetectorId[] {
  const context = contextFor(options);
  const hits = new Set<DetectorId>();
  scanLayer(text, options, context, hits);
  let layer = text;
  for (let depth = 0; depth < MAX_DECODING_DEPTH && mayBeEncoded(layer); depth++) {
    const decoded = decodeEmbedded(layer);
    if (decoded === undefined) break;
    scanLayer(decoded, {}, { ...context, bareShapes: true }, hits);
    layer = decoded;
  }
  if (hits.size === 0) return NONE;
  return PII_DETECTORS.filter((detector) => hits.has(detector.id)).map((detector) => detector.id);
}

function scanLayer(text: string, options: TextScanOptions, context: DetectionContext, hits: Set<DetectorId>): void {
  const prepared = prepareDetectionText(text);
  for (const detector of PII_DETECTORS) {
    if (hits.has(detector.id) || options.skip?.has(detector.id)) continue;
    if (!detector.mayMatch(prepared) || !detector.matches(prepared, context)) continue;
    if (detector.id === 'serial_number' && options.isKnownModel?.(text) === true) continue;
    hits.add(detector.id);
  }
}

const NO_CLOCK_CONTEXT: DetectionContext = { latestBirthDate: NO_CLOCK_LATEST_BIRTH_DATE, bareShapes: true };

function contextFor(options: TextScanOptions): DetectionContext {
  const { asOf } = options;
  const bareShapes = options.randomTokens !== true;
  if (asOf === undefined || Number.isNaN(asOf.getTime())) {
    // An invalid Date would make every comparison false; fall back to the permissive bound, which
    // can only flag more, never less.
    return bareShapes ? NO_CLOCK_CONTEXT : { ...NO_CLOCK_CONTEXT, bareShapes };
  }
  return { latestBirthDate: asOf.getUTCFullYear() * 10000 + (asOf.getUTCMonth() + 1) * 100 + asOf.getUTCDate(), bareShapes };
}
