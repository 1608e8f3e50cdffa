import { findPersonalPropertyNames } from '../privacy/personal-property-names.ts';
import { scanDocument } from '../privacy/scan-document.ts';
import type { DocumentKind } from '../../../../src/documents/document-kinds.ts';
import { privacyAnnotations, validateDocument, type DocumentError } from '../../../../src/documents/document-validator.ts';

/**
 * The gate every incoming document passes, in this order:
 * 1. property names that suggest personal data (`pii.property_name`) — reported first and instead of the
 *    generic unknown-property error, so a partner learns *why* `phone` is refused;
 * 2. the JSON Schema (`schema.<keyword>`), which also refuses every other unknown property;
 * 3. the PII detectors on every string value (`pii.<detector>`), schema or not: a value in a misnamed field
 *    is still personal data.
 * Returns every finding; an empty list means the document may be stored. No finding carries a value.
 * `asOf` is today (a birth date after it is no ID number); `isKnownModel` exempts catalogued model codes
 * from the serial-number heuristic.
 */
export function checkDocument(kind: DocumentKind, document: unknown, options: { asOf?: Date; isKnownModel?: (text: string) => boolean } = {}): DocumentError[] {
  const personalNames = findPersonalPropertyNames(document);
  const namedPaths = new Set(personalNames.map((finding) => finding.path));
  const validation = validateDocument(kind, document);
  const schemaErrors = validation.ok ? [] : validation.errors.filter((error) => !(error.code === 'schema.additionalProperties' && namedPaths.has(error.path)));
  const valueFindings = scanDocument(document, { exemptions: privacyAnnotations(kind), ...options });
  return uniqueByPathAndCode([...personalNames, ...schemaErrors, ...valueFindings]);
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
