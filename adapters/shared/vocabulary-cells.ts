import type { GradeScheme } from '../../src/documents/documents.generated.ts';
import { findPiiInText } from '../../src/privacy/scan-text.ts';
import { createBrandRegistry, type BrandRegistry } from '../../src/vocabulary/brand-names.ts';
import { resolveGradeValue } from '../../src/vocabulary/grade-vocabularies.ts';
import { isModelNameGrammatical } from '../../src/vocabulary/model-names.ts';
import { SHIPPED_BRANDS } from '../../src/vocabulary/shipped-brands.ts';
import type { AdapterErrorCode } from '../adapter.ts';
import type { RowReader } from './row-reader.ts';

/**
 * The hub's vocabularies as the adapters use them: native columns that carry brands, model names, grades
 * and certificate numbers resolve through the same rules the hub applies (src/vocabulary), so a cell
 * that would be refused is reported on the partner's machine, by row and column, without its value.
 * Pure: the registries are passed in (AdapterOptions.vocabularies); the shipped ones by default.
 */
export interface AdapterVocabularies {
  readonly brands: BrandRegistry;
  /** The recycler's own grade values (gradeScheme PROPRIETARY), beside the common condition words. */
  readonly proprietaryGradeValues: ReadonlySet<string>;
}

export const SHIPPED_ADAPTER_VOCABULARIES: AdapterVocabularies = { brands: createBrandRegistry(SHIPPED_BRANDS), proprietaryGradeValues: new Set() };

// The schema's certificateRef pattern (inspection.v1 dataWipe.certificateRef).
const CERTIFICATE_REF = /^[A-Za-z0-9-]{8,40}$/;
// An opaque token is random-looking by design; only detectors of personal data proper run on it.
const OPAQUE_SKIPS = new Set(['hex_hash', 'serial_number', 'long_digit_run', 'meid', 'passport_permit'] as const);

export const VOCABULARY_RULES = {
  brand: { code: 'adapter.unknown_brand', message: "must be a brand of the hub's brand registry (its Chinese or English name or an alias)" },
  model: { code: 'adapter.bad_model_name', message: 'must be a model name of letters, CJK, digits, spaces and + - . / ( ), at most 64 characters' },
  gradeValue: { code: 'adapter.unknown_grade_value', message: "must be a value of the grading scheme's vocabulary" },
  certificateRef: { code: 'adapter.bad_certificate_ref', message: 'must be an opaque token of 8 to 40 letters, digits or hyphens, holding no personal data' },
} as const satisfies Record<string, { code: AdapterErrorCode; message: string }>;

export function isKnownBrand(text: string, vocabularies: AdapterVocabularies): boolean {
  return vocabularies.brands.resolve(text) !== undefined;
}

export function isModelName(text: string): boolean {
  return isModelNameGrammatical(text);
}

export function gradeValueOf(scheme: GradeScheme, text: string, vocabularies: AdapterVocabularies): string | undefined {
  return resolveGradeValue(scheme, text, vocabularies.proprietaryGradeValues);
}

export function isCertificateRef(text: string): boolean {
  return CERTIFICATE_REF.test(text) && findPiiInText(text, { skip: OPAQUE_SKIPS }).length === 0;
}

/** The brand cell (required), reported when no registry entry resolves it; the cell's text otherwise. */
export function readBrandCell(cells: RowReader, column: string, vocabularies: AdapterVocabularies): string | undefined {
  const text = cells.required(column);
  if (text === undefined) return undefined;
  if (!isKnownBrand(text, vocabularies)) {
    cells.errors.add(column, VOCABULARY_RULES.brand.code, VOCABULARY_RULES.brand.message);
    return undefined;
  }
  return text;
}

/** The model cell (required), reported when it breaks the model-name grammar; its NFKC display form otherwise. */
export function readModelCell(cells: RowReader, column: string): string | undefined {
  const text = cells.required(column);
  if (text === undefined) return undefined;
  if (!isModelName(text)) {
    cells.errors.add(column, VOCABULARY_RULES.model.code, VOCABULARY_RULES.model.message);
    return undefined;
  }
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}
