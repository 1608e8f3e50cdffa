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
import { foldForDetection, readDigits } from './normalise-text.ts';
import { findPiiInText, type TextScanOptions } from './scan-text.ts';
import { walkJson, type JsonLocation, type JsonVisitor } from './walk-json.ts';

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
// whoever holds the key. A short value (a pseudonym is 22+ characters, random tokens that long are
// what the measurement above was about) is checked for every shape but a long digit run (order
// numbers such as TI20250414936901 are one): a whole value shaped like a passport number, a serial,
// a bare MAC address or a geohash is one.
const IDENTIFIER_SHAPE_DETECTORS: ReadonlySet<DetectorId> = new Set(['hex_hash', 'serial_number', 'long_digit_run', 'meid', 'passport_permit']);
const IDENTIFIER_SHAPE_DETECTORS_SHORT: ReadonlySet<DetectorId> = new Set(['long_digit_run']);
const SHORT_REFERENCE_LENGTH = 19;

// A value split across two neighbouring fields (`"138123"`, `"45678"`) is looked for at their seam:
// the digits that end one glued to the digits that start the other, in both orders, must be EXACTLY
// a mobile number, a landline, a resident ID (18 or 15 digits), an IMEI, ICCID, IMSI or a bank card
// (with their checks),
// not merely contain one: ordinary neighbours (`MateBook 14 2021` next to `2024-12`) glue into
// longer runs that hold phone-shaped windows. An e-mail address is looked for when one side ends or
// the other starts with '@'.
const SEAM_REACH = 24;
// The edge checks look at this many characters (a digit and up to three separators, or '@' and spaces).
const EDGE = 4;
const TRAILING_DIGITS = /[0-9]+$/;
// Cheap pre-checks on the raw text before folding: a digit (ASCII, full-width or a Chinese numeral)
// within the last or first few characters.
const DIGITISH_END = /[0-9０-９〇零一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾两幺][^0-9A-Za-z\u4e00-\u9fa5]{0,3}$/;
const DIGITISH_START = /^[^0-9A-Za-z\u4e00-\u9fa5]{0,3}[0-9０-９〇零一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾两幺]/;
const LEADING_DIGITS = /^[0-9]+[Xx]?/;
const AT_EDGE_END = /[@＠]\s*$/;
const AT_EDGE_START = /^\s*[@＠]/;
const EMAIL_ONLY: ReadonlySet<DetectorId> = new Set(PII_DETECTORS.map((detector) => detector.id).filter((id) => id !== 'email'));
const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const MESSAGES: ReadonlyMap<DetectorId, string> = new Map(PII_DETECTORS.map((detector) => [detector.id, `must not contain ${detector.kind}`]));
const EXACT_MOBILE = /^(?:86|0086)?1[3-9][0-9]{9}$/;

// Which identifier `digits` is, as a whole, if any (see the seam comment above).
function exactIdentifier(digits: string, asOf: Date | undefined): DetectorId | undefined {
  // The shortest of these, a landline with a 3-digit area code and 7 digits, has ten.
  if (digits.length < 10) return undefined;
  if (EXACT_MOBILE.test(digits)) return 'cn_mobile';
  const ids = findPiiInText(digits, { asOf, skip: NOT_EXACT });
  return ids.find((id) => id !== 'cn_mobile' && (id !== 'cn_landline' || (digits.length >= 10 && digits.length <= 12)));
}
const NOT_EXACT: ReadonlySet<DetectorId> = new Set(
  PII_DETECTORS.map((detector) => detector.id).filter(
    (id) => !['cn_landline', 'resident_id_18', 'resident_id_15', 'imei', 'iccid', 'imsi', 'bank_card'].includes(id),
  ),
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
  const scan = new DocumentScan(options);
  walkJson(doc, scan);
  return scan.findSeams();
}

// The walk's visitor, a class rather than closures: this runs for every value of every document, and
// closures made per document cost an allocation each (and, under tsx, a naming call each).
class DocumentScan implements JsonVisitor {
  private readonly findings: PrivacyFinding[] = [];
  private readonly seen = new Set<string>();
  private readonly strings: ScannedString[] = [];
  private readonly exemptions: ReadonlyMap<string, ExemptionKind> | undefined;
  private readonly plainOptions: TextScanOptions;
  private readonly referenceOptions: TextScanOptions;
  private readonly shortReferenceOptions: TextScanOptions;

  constructor(options: ScanDocumentOptions) {
    this.exemptions = options.exemptions;
    this.plainOptions = { isKnownModel: options.isKnownModel, asOf: options.asOf };
    this.referenceOptions = { isKnownModel: options.isKnownModel, asOf: options.asOf, skip: IDENTIFIER_SHAPE_DETECTORS, randomTokens: true };
    this.shortReferenceOptions = { isKnownModel: options.isKnownModel, asOf: options.asOf, skip: IDENTIFIER_SHAPE_DETECTORS_SHORT };
  }

  property(name: string, at: JsonLocation): void {
    if (isPersonalPropertyName(name)) this.report(at.pointer, PROPERTY_NAME_CODE, PROPERTY_NAME_MESSAGE);
    const found = findPiiInText(name, this.plainOptions);
    if (found.length > 0) this.reportDetectors(at.pointer, found);
  }

  scalar(value: string | number | bigint, at: JsonLocation): void {
    const exemption = this.exemptions?.get(at.fieldKey);
    const text = typeof value === 'string' ? value : String(value);
    let scanOptions = this.plainOptions;
    if (exemption !== undefined) scanOptions = text.length <= SHORT_REFERENCE_LENGTH ? this.shortReferenceOptions : this.referenceOptions;
    const found = findPiiInText(text, scanOptions);
    if (found.length > 0) this.reportDetectors(at.pointer, found);
    // Random tokens and hub tickets are left out of seams: their digits are noise by design.
    if (typeof value === 'string' && exemption !== 'pseudonym' && !CANONICAL_UUID.test(text)) this.strings.push({ text, found });
  }

  /** Adds what the seams between neighbouring strings hold (reported on the document, path ''); returns every finding. */
  findSeams(): PrivacyFinding[] {
    const { strings } = this;
    for (let i = 1; i < strings.length; i++) {
      this.reportSeam(seamFindings(strings[i - 1]!, strings[i]!, this.plainOptions));
      this.reportSeam(seamFindings(strings[i]!, strings[i - 1]!, this.plainOptions));
    }
    return this.findings;
  }

  private reportSeam(ids: readonly DetectorId[]): void {
    for (const id of ids) this.report('', `pii.${id}`, SEAM_MESSAGES.get(id) ?? 'must not contain personal data split across fields');
  }

  private reportDetectors(path: string, ids: readonly DetectorId[]): void {
    for (const id of ids) this.report(path, `pii.${id}`, MESSAGES.get(id) ?? 'must not contain personal data');
  }

  private report(path: string, code: string, message: string): void {
    const key = `${path}\u0000${code}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push({ path, code, message });
  }
}

// The part of a value that takes part in a seam: all of it when it is only a number (digits, numerals
// and separators: `138 1234`), else its last (or first) word, so that the words of a model name
// (`MacBook Pro 16 2021`) are not glued to the neighbouring value's digits.
const ONLY_A_NUMBER = /^[\s0-9〇零一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾两幺.,/_()\-+·]*$/;
const LAST_WORD = /\S*$/;
const FIRST_WORD = /^\S*/;
function isOnlyANumber(text: string): boolean {
  return ONLY_A_NUMBER.test(foldForDetection(text));
}

function seamEdge(text: string, side: 'start' | 'end'): string {
  const folded = foldForDetection(text).trim();
  if (ONLY_A_NUMBER.test(folded)) return folded;
  return (side === 'end' ? LAST_WORD : FIRST_WORD).exec(folded)?.[0] ?? '';
}

const NO_SEAM: readonly DetectorId[] = Object.freeze([]);

function seamFindings(before: ScannedString, after: ScannedString, options: TextScanOptions): readonly DetectorId[] {
  // Most neighbours end and start with letters: the cheap edge checks answer before anything is allocated.
  const beforeEdge = before.text.slice(-EDGE);
  const afterEdge = after.text.slice(0, EDGE);
  const emailEdge = AT_EDGE_END.test(beforeEdge) || AT_EDGE_START.test(afterEdge);
  if (!emailEdge && (!DIGITISH_END.test(beforeEdge) || !DIGITISH_START.test(afterEdge))) return NO_SEAM;
  const found: DetectorId[] = [];
  if (emailEdge) {
    const seam = before.text.slice(-SEAM_REACH) + after.text.slice(0, SEAM_REACH);
    if (findPiiInText(seam, { ...options, skip: EMAIL_ONLY }).length > 0 && !before.found.includes('email') && !after.found.includes('email'))
      found.push('email');
  }
  if (!DIGITISH_END.test(beforeEdge) || !DIGITISH_START.test(afterEdge)) return found;
  // One side at least must be a bare number fragment: two model names whose years and codes happen to
  // add up to eleven digits (`T/TAF 173—2023` next to `2024年`) are not a split phone number.
  if (!isOnlyANumber(before.text) && !isOnlyANumber(after.text)) return found;
  const tail = TRAILING_DIGITS.exec(readDigits(seamEdge(before.text, 'end')))?.[0];
  const head = tail === undefined ? undefined : LEADING_DIGITS.exec(readDigits(seamEdge(after.text, 'start')))?.[0];
  if (tail !== undefined && head !== undefined) {
    const id = exactIdentifier(tail + head, options.asOf);
    if (id !== undefined && !before.found.includes(id) && !after.found.includes(id)) found.push(id);
  }
  return found;
}
