import { PROPERTY_NAME_CODE } from '../privacy/privacy-finding.ts';
import { echoSafePointer } from '../privacy/property-path.ts';
import { scanDocument } from '../privacy/scan-document.ts';
import type { DocumentKind } from './document-kinds.ts';
import { crossFieldErrors } from './document-rules.ts';
import { DEFAULT_DOCUMENT_VERSION } from './document-versions.ts';
import { privacyAnnotations, validateDocument, type DocumentError } from './document-validator.ts';

/**
 * The gate every incoming document passes, in this order:
 * 1. property names that suggest personal data (`pii.property_name`) — reported first and instead of the
 *    generic unknown-property error, so a partner learns *why* `phone` is refused;
 * 2. the JSON Schema (`schema.<keyword>`), which also refuses every other unknown property;
 * 3. the PII detectors on every string value (`pii.<detector>`), schema or not: a value in a misnamed field
 *    is still personal data;
 * 4. rules across fields the schema cannot state (`document-rules.ts`), on a document the schema accepted.
 * `version` is the document's version (`schema/document-versions.json`); 1 when the caller names none.
 * Returns every finding; an empty list means the document may be stored. No finding carries a value, and
 * no path a property name that is personal data (see `echoSafePointer`).
 * `asOf` is today (a birth date after it is no ID number); `isKnownModel` exempts catalogued model codes
 * from the serial-number heuristic.
 */
export function checkDocument(
  kind: DocumentKind,
  document: unknown,
  options: { asOf?: Date; isKnownModel?: (text: string) => boolean; version?: number } = {},
): DocumentError[] {
  const { version = DEFAULT_DOCUMENT_VERSION, ...scanOptions } = options;
  // One walk finds both: property names that are personal data and personal values.
  const findings = scanDocument(document, { exemptions: privacyAnnotations(kind, version), ...scanOptions });
  const personalNames = findings.filter((finding) => finding.code === PROPERTY_NAME_CODE);
  const valueFindings = findings.filter((finding) => finding.code !== PROPERTY_NAME_CODE);
  const namedPaths = new Set(personalNames.map((finding) => finding.path));
  const validation = validateDocument(kind, document, version);
  const schemaErrors = validation.ok
    ? crossFieldErrors(kind, version, document)
    : validation.errors.filter((error) => !(error.code === 'schema.additionalProperties' && namedPaths.has(error.path)));
  return uniqueByPathAndCode([...personalNames, ...schemaErrors, ...valueFindings].map(withEchoSafePath));
}

// Every path leaves through here: ajv's paths and the finders' are re-checked token by token, so a
// property named with a phone number reads `~personal` whichever check reported it.
function withEchoSafePath(error: DocumentError): DocumentError {
  const path = echoSafePointer(error.path);
  return path === error.path ? error : { ...error, path };
}

function uniqueByPathAndCode(errors: DocumentError[]): DocumentError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
