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

// Pseudonyms and opaque tokens are random-looking identifiers by design; the identifier-shape
// detectors would reject every one of them, or (MEID's 14 hex digits, a passport's letter + 8 digits)
// a few in every million random base64url tokens — measured on 1M generated pseudonyms. Everything else
// (phones, e-mails, IDs, IMEIs, cards …) still runs: a pseudonym field is not a place to put a phone number.
const IDENTIFIER_SHAPE_DETECTORS: ReadonlySet<DetectorId> = new Set(['hex_hash', 'serial_number', 'long_digit_run', 'meid', 'passport_permit']);
const SKIPPED_BY_EXEMPTION: Readonly<Record<Exclude<ExemptionKind, 'keyed-hash'>, ReadonlySet<DetectorId>>> = {
  pseudonym: IDENTIFIER_SHAPE_DETECTORS,
  opaque: IDENTIFIER_SHAPE_DETECTORS,
};

const MESSAGES: ReadonlyMap<DetectorId, string> = new Map(PII_DETECTORS.map((detector) => [detector.id, `must not contain ${detector.kind}`]));

/**
 * Scans `doc` (a parsed JSON value) and returns every privacy finding, in document order, at
 * most one per (path, code). Inputs: any JSON value; options as documented on
 * ScanDocumentOptions. Invariants: no finding contains any part of a value, and property names
 * appear in paths only when echoable (see property-path.ts). An empty result means the document
 * may pass this gate. Failure mode: throws a RangeError for documents nested deeper than
 * MAX_JSON_DEPTH (see walk-json.ts); treat it as a rejection.
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
  const exemptOptions = new Map<ExemptionKind, TextScanOptions>();
  for (const [kind, skip] of Object.entries(SKIPPED_BY_EXEMPTION) as [ExemptionKind, ReadonlySet<DetectorId>][]) {
    exemptOptions.set(kind, { ...plainOptions, skip });
  }

  walkJson(doc, {
    property: (name, at) => {
      if (isPersonalPropertyName(name)) report(at.pointer, PROPERTY_NAME_CODE, PROPERTY_NAME_MESSAGE);
      reportDetectors(at.pointer, findPiiInText(name, plainOptions));
    },
    scalar: (value, at) => {
      const exemption = options.exemptions?.get(at.fieldKey);
      if (exemption === 'keyed-hash') return;
      const text = typeof value === 'string' ? value : String(value);
      const scanOptions = exemption === undefined ? plainOptions : (exemptOptions.get(exemption) ?? plainOptions);
      reportDetectors(at.pointer, findPiiInText(text, scanOptions));
    },
  });
  return findings;
}
