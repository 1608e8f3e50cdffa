/**
 * The privacy gate for one incoming document: every property name is checked against the
 * personal-name blocklist and the detectors, every string (and number, as its decimal text: a
 * phone number sent as a JSON number is still a phone number) against the detectors. Any finding
 * rejects the document; the caller stores nothing of it.
 */
import type { DetectorId } from './detectors.ts';
import { PII_DETECTORS } from './detectors.ts';
import { isPersonalPropertyName } from './personal-property-names.ts';
import type { ExemptionKind, PrivacyFinding } from './privacy-finding.ts';
import { PROPERTY_NAME_CODE, PROPERTY_NAME_MESSAGE } from './privacy-finding.ts';
import { findPiiInText, type TextScanOptions } from './scan-text.ts';
import { walkJson } from './walk-json.ts';

export interface ScanDocumentOptions {
  /**
   * Fields that legitimately hold an identifier-like value, keyed by JSON Pointer WITHOUT array
   * indices (`/externalRef`, `/dataWipe/certificateRef`, `/faults` for every element). Only the
   * value at exactly that pointer is exempt, not values nested below it; property names are
   * always checked.
   */
  readonly exemptions?: ReadonlyMap<string, ExemptionKind>;
  /** Exact catalogue lookup; suppresses `serial_number` for values it recognises. */
  readonly isKnownModel?: (text: string) => boolean;
  /** The scan date (UTC), bounding resident-ID birth dates. Without it the bound is 2099-12-31. */
  readonly asOf?: Date;
}

// Pseudonyms, opaque tokens and keyed-hash references (order numbers) are identifier-shaped by design;
// the identifier-shape detectors would reject every one of them, or (MEID's 14 hex digits, a passport's
// letter + 8 digits) a few in every million random base64url tokens — measured on 1M generated
// pseudonyms. Everything else (phones, e-mails, IDs, IMEIs, cards, names, encodings …) still runs: a
// reference field is not a place to put a phone number, and the hash of one can be brute-forced by
// whoever holds the key. A short value (a pseudonym is 22+ characters) is still checked for passport
// and MEID shapes: a whole value shaped like a passport number is one.
const IDENTIFIER_SHAPE_DETECTORS: ReadonlySet<DetectorId> = new Set(['hex_hash', 'serial_number', 'long_digit_run', 'meid', 'passport_permit']);
const IDENTIFIER_SHAPE_DETECTORS_SHORT: ReadonlySet<DetectorId> = new Set(['hex_hash', 'serial_number', 'long_digit_run']);
const SHORT_REFERENCE_LENGTH = 19;

// A value split across two neighbouring fields (`"138123"`, `"45678"`) is looked for at their seam:
// the last characters of one glued to the first of the other, in both orders. Only detectors with a
// strong shape run there; a weak one (a serial-like run, a long digit run) would fire on ordinary
// neighbours such as a month next to a region code.
const SEAM_DETECTORS: ReadonlySet<DetectorId> = new Set(['cn_mobile', 'cn_landline', 'resident_id_18', 'resident_id_15', 'imei', 'iccid', 'imsi', 'bank_card', 'email']);
const SEAM_SKIP: ReadonlySet<DetectorId> = new Set(PII_DETECTORS.map((detector) => detector.id).filter((id) => !SEAM_DETECTORS.has(id)));
const SEAM_REACH = 24;
const DIGITISH_END = /[0-9０-９〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖两幺][\s\-.,/_()]*$/;
const DIGITISH_START = /^[\s\-.,/_()]*[0-9０-９〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖两幺+]/;
const AT_SIGN = /[@＠]|艾特|\bat\b/i;
const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const MESSAGES: ReadonlyMap<DetectorId, string> = new Map(
  PII_DETECTORS.map((detector) => [detector.id, `must not contain ${detector.kind}`]),
);
const SEAM_MESSAGES: ReadonlyMap<DetectorId, string> = new Map(
  PII_DETECTORS.map((detector) => [detector.id, `must not contain ${detector.kind} split across fields`]),
);

interface ScannedString {
  readonly text: string;
  readonly found: readonly DetectorId[];
}

/**
 * Scans `doc` (a parsed JSON value) and returns every privacy finding, in document order, at
 * most one per (path, code). Inputs: any JSON value; options as documented on
 * ScanDocumentOptions. Every string is scanned, and so is the seam between each two neighbouring
 * strings (a finding there is reported on the document, path ''). Invariants: no finding contains
 * any part of a value, and property names appear in paths only when echoable (see
 * property-path.ts). An empty result means the document may pass this gate. Failure mode: throws a
 * RangeError for documents nested deeper than MAX_JSON_DEPTH (see walk-json.ts); treat it as a
 * rejection.
 */
export function scanDocument(doc: unknown, options: ScanDocumentOptions = {}): PrivacyFinding[] {
  const findings: PrivacyFinding[] = [];
  const seen = new Set<string>();
  const report = (path: string, code: string, message: string): void => {
    const key = `${path}\u0000${code}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ path, code, message });
  };
  const reportDetectors = (path: string, ids: readonly DetectorId[]): void => {
    for (const id of ids) report(path, `pii.${id}`, MESSAGES.get(id) ?? 'must not contain personal data');
  };
  const plainOptions: TextScanOptions = { isKnownModel: options.isKnownModel, asOf: options.asOf };
  const referenceOptions: TextScanOptions = { ...plainOptions, skip: IDENTIFIER_SHAPE_DETECTORS, randomTokens: true };
  const shortReferenceOptions: TextScanOptions = { ...plainOptions, skip: IDENTIFIER_SHAPE_DETECTORS_SHORT, randomTokens: true };
  const strings: ScannedString[] = [];

  walkJson(doc, {
    property: (name, at) => {
      if (isPersonalPropertyName(name)) report(at.pointer, PROPERTY_NAME_CODE, PROPERTY_NAME_MESSAGE);
      reportDetectors(at.pointer, findPiiInText(name, plainOptions));
    },
    scalar: (value, at) => {
      const exemption = options.exemptions?.get(at.fieldKey);
      const text = typeof value === 'string' ? value : String(value);
      let scanOptions = plainOptions;
      if (exemption !== undefined) scanOptions = text.length <= SHORT_REFERENCE_LENGTH ? shortReferenceOptions : referenceOptions;
      const found = findPiiInText(text, scanOptions);
      reportDetectors(at.pointer, found);
      // Random tokens and hub tickets are left out of seams: their digits are noise by design.
      if (typeof value === 'string' && exemption !== 'pseudonym' && !CANONICAL_UUID.test(text)) strings.push({ text, found });
    },
  });
  for (let i = 1; i < strings.length; i++) {
    const first = strings[i - 1]!;
    const second = strings[i]!;
    for (const id of [...seamFindings(first, second, plainOptions), ...seamFindings(second, first, plainOptions)]) {
      report('', `pii.${id}`, SEAM_MESSAGES.get(id) ?? 'must not contain personal data split across fields');
    }
  }
  return findings;
}

function seamFindings(before: ScannedString, after: ScannedString, options: TextScanOptions): readonly DetectorId[] {
  const digits = DIGITISH_END.test(before.text) && DIGITISH_START.test(after.text);
  if (!digits && !AT_SIGN.test(before.text) && !AT_SIGN.test(after.text)) return [];
  const seam = before.text.slice(-SEAM_REACH) + after.text.slice(0, SEAM_REACH);
  return findPiiInText(seam, { ...options, skip: SEAM_SKIP }).filter((id) => !before.found.includes(id) && !after.found.includes(id));
}
