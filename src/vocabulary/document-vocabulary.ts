import type { DocumentKind } from '../documents/document-kinds.ts';
import type { DocumentError } from '../documents/document-validator.ts';
import type { GradeScheme } from '../documents/documents.generated.ts';
import type { BrandRegistry } from './brand-names.ts';
import { resolveGradeValue } from './grade-vocabularies.ts';
import { isModelNameGrammatical, normaliseModelName } from './model-names.ts';
import { subjectRefProblem, type SubjectRefProblem } from './subject-ref-shape.ts';

/**
 * The vocabulary rule for a document that passed the schema and the detectors: every string that stays
 * in the hub must belong to a vocabulary the hub holds. A brand from the brand registry, a grade value
 * from its scheme, a catalogue model name that follows the grammar, a subjectRef of a pseudonym's shape.
 * (Model names of trade-ins are resolved against the catalogue when stored: an unknown model is not an
 * error, it is kept only as a keyed hash.) Pure; never throws.
 */
export interface DocumentVocabularies {
  readonly brands: BrandRegistry;
  /** The submitting recycler's registered proprietary grade values (empty for other parties). */
  readonly proprietaryGradeValues: ReadonlySet<string>;
}

export type VocabularyCheck = { ok: true; document: Record<string, unknown> } | { ok: false; errors: DocumentError[] };

const MESSAGES = {
  'vocabulary.unknown_brand': "must be a brand in the hub's brand registry",
  'vocabulary.model_name_grammar': 'must be a model name of letters, CJK, digits, spaces and + - . / ( ), at most 64 characters',
  'vocabulary.unknown_grade_value': "must be a value in the grading scheme's vocabulary",
  'vocabulary.subject_ref_shape': 'must be a uuid, or at least 128 random bits in hex or base64url',
  'vocabulary.subject_ref_decodes': 'must not decode to text or to personal data',
} as const satisfies Record<string, string>;

export type VocabularyErrorCode = keyof typeof MESSAGES | SubjectRefProblem;

function error(path: string, code: VocabularyErrorCode): DocumentError {
  return { path, code, message: MESSAGES[code] };
}

/**
 * Checks `document` (already valid against its schema) and returns it with its vocabulary values in
 * canonical form — brand → canonical id, model → its display form, gradeValue → the scheme's spelling —
 * or the errors, each naming the path and the rule, never the value.
 */
export function checkDocumentVocabulary(kind: DocumentKind, document: Record<string, unknown>, vocabularies: DocumentVocabularies): VocabularyCheck {
  const errors: DocumentError[] = [];
  const canonical: Record<string, unknown> = { ...document };
  if (kind === 'tradein' || kind === 'catalogue') {
    const brand = vocabularies.brands.resolve(String(document.brand));
    if (brand === undefined) errors.push(error('/brand', 'vocabulary.unknown_brand'));
    else canonical.brand = brand;
    const model = String(document.model);
    if (kind === 'catalogue' && !isModelNameGrammatical(model)) errors.push(error('/model', 'vocabulary.model_name_grammar'));
    else canonical.model = normaliseModelName(model).display;
  }
  if (kind === 'tradein' && typeof document.subjectRef === 'string') {
    const problem = subjectRefProblem(document.subjectRef);
    if (problem !== undefined) errors.push(error('/subjectRef', problem));
  }
  if (kind === 'inspection' && typeof document.gradeScheme === 'string' && typeof document.gradeValue === 'string') {
    const value = resolveGradeValue(document.gradeScheme as GradeScheme, document.gradeValue, vocabularies.proprietaryGradeValues);
    if (value === undefined) errors.push(error('/gradeValue', 'vocabulary.unknown_grade_value'));
    else canonical.gradeValue = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, document: canonical };
}
