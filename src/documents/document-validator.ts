import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DEFS_SCHEMA_ID, DOCUMENT_SCHEMA_IDS, type DocumentKind } from './document-kinds.ts';
import { ALL_DOCUMENT_VERSIONS, DEFAULT_DOCUMENT_VERSION, documentName } from './document-versions.ts';
import { hubAjv } from '../json-schema/hub-ajv.ts';
import { projectFile } from '../project-root.ts';

/** A JSON Schema as loaded from `schema/`; frozen, because ajv keeps references to it. */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/** How the hub transforms a field before storing it (see the field's description in the schema). */
export type PrivacyAnnotation = 'keyed-hash' | 'pseudonym' | 'opaque';

export interface EnumLabel {
  readonly zh: string;
  readonly en: string;
}

export interface DocumentError {
  /** JSON Pointer into the document; unsafe property names are replaced by `~invalid-key`. */
  path: string;
  /** `schema.` + the ajv keyword that failed, e.g. `schema.additionalProperties`. */
  code: string;
  /** Lowercase "must …" sentence. Never contains a value from the document. */
  message: string;
}

export type DocumentValidationResult = { ok: true } | { ok: false; errors: DocumentError[] };

const PRIVACY_ANNOTATIONS: readonly PrivacyAnnotation[] = ['keyed-hash', 'pseudonym', 'opaque'];

// Property names that may appear in an error path. Anything else could be a value smuggled in as a
// key (a phone number, a name), so it is replaced rather than echoed.
const SAFE_PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const INVALID_KEY = '~invalid-key';

const LABELS_META_SCHEMA = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['zh', 'en'],
    properties: { zh: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
  },
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function loadSchema(id: string): JsonSchemaObject {
  const fileName = id.slice(id.lastIndexOf('/') + 1);
  const url = projectFile(`schema/${fileName}`);
  const schema = JSON.parse(readFileSync(url, 'utf8')) as JsonSchemaObject;
  if (schema['$id'] !== id) throw new Error(`schema/${fileName} must declare $id ${id}`);
  return deepFreeze(schema);
}

/** The shared definitions (`schema/defs.schema.json`). */
export const DEFS_SCHEMA: JsonSchemaObject = loadSchema(DEFS_SCHEMA_ID);

/** Each kind's schema as loaded from `schema/`. */
export const DOCUMENT_SCHEMAS: Readonly<Record<DocumentKind, JsonSchemaObject>> = Object.freeze({
  tradein: loadSchema(DOCUMENT_SCHEMA_IDS.tradein),
  inspection: loadSchema(DOCUMENT_SCHEMA_IDS.inspection),
  disposition: loadSchema(DOCUMENT_SCHEMA_IDS.disposition),
  catalogue: loadSchema(DOCUMENT_SCHEMA_IDS.catalogue),
  wipe_attestation: loadSchema(DOCUMENT_SCHEMA_IDS.wipe_attestation),
});

/** `$id` of a version's schema (`schema/document-versions.json` names its file). */
function versionSchemaId(file: string): string {
  return new URL(file, DEFS_SCHEMA_ID).href;
}

/**
 * Every version's schema by its name (`tradein.v2`); the first version of each kind is the one above. Later
 * versions are listed in `schema/document-versions.json`.
 */
export const VERSIONED_SCHEMAS: ReadonlyMap<string, { id: string; schema: JsonSchemaObject }> = new Map(
  ALL_DOCUMENT_VERSIONS.map((entry) => {
    const id = versionSchemaId(entry.schema);
    const schema = entry.version === DEFAULT_DOCUMENT_VERSION ? DOCUMENT_SCHEMAS[entry.kind] : loadSchema(id);
    if (entry.version === DEFAULT_DOCUMENT_VERSION && id !== DOCUMENT_SCHEMA_IDS[entry.kind])
      throw new Error(`schema/document-versions.json: ${entry.kind} v1 must be ${DOCUMENT_SCHEMA_IDS[entry.kind]}`);
    return [documentName(entry.kind, entry.version), { id, schema }] as const;
  }),
);

const SCHEMAS_BY_ID: ReadonlyMap<string, JsonSchemaObject> = new Map([
  [DEFS_SCHEMA_ID, DEFS_SCHEMA],
  ...[...VERSIONED_SCHEMAS.values()].map(({ id, schema }) => [id, schema] as const),
]);

function versioned(kind: DocumentKind, version: number): { id: string; schema: JsonSchemaObject } {
  const entry = VERSIONED_SCHEMAS.get(documentName(kind, version));
  if (entry === undefined) throw new Error(`unknown document version ${documentName(kind, version)}`);
  return entry;
}

function prepareAjv(): typeof hubAjv {
  const ajv = hubAjv;
  // Metadata only: strict mode would otherwise refuse the unknown keywords.
  ajv.addKeyword({ keyword: 'x-labels', schemaType: 'object', metaSchema: LABELS_META_SCHEMA });
  ajv.addKeyword({ keyword: 'x-privacy', schemaType: 'string', metaSchema: { enum: PRIVACY_ANNOTATIONS } });
  ajv.addSchema(DEFS_SCHEMA);
  return ajv;
}

// The hub's one Ajv, with the documents' keywords and shared definitions; compiled once at module load,
// nothing compiles inside a request.
const ajv = prepareAjv();
const VALIDATORS: ReadonlyMap<string, ValidateFunction> = new Map([...VERSIONED_SCHEMAS].map(([name, { schema }]) => [name, ajv.compile(schema)] as const));

type SchemaVisitor = (node: JsonSchemaObject, pointer: string) => void;

function isSchemaObject(value: unknown): value is JsonSchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapePointerSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function resolveRef(ref: string, baseId: string): { node: JsonSchemaObject; baseId: string } {
  const url = new URL(ref, baseId);
  const fragment = decodeURIComponent(url.hash.slice(1));
  url.hash = '';
  const root = SCHEMAS_BY_ID.get(url.href);
  let node: unknown = root;
  for (const segment of fragment.split('/').slice(1)) {
    node = isSchemaObject(node) ? node[unescapePointerSegment(segment)] : undefined;
  }
  if (!isSchemaObject(node)) throw new Error(`unresolvable $ref ${ref} from ${baseId}`);
  return { node, baseId: url.href };
}

/**
 * Visits every subschema that applies to a location of the document, with that location as a JSON
 * Pointer. `$ref`s are followed; array items share their array's pointer (no indices); applicators
 * (oneOf, anyOf, allOf, then, else) share their parent's pointer.
 */
function walkSchema(node: JsonSchemaObject, baseId: string, pointer: string, visit: SchemaVisitor): void {
  visit(node, pointer);
  if (typeof node['$ref'] === 'string') {
    const target = resolveRef(node['$ref'], baseId);
    walkSchema(target.node, target.baseId, pointer, visit);
  }
  const properties = node['properties'];
  if (isSchemaObject(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      if (isSchemaObject(child)) walkSchema(child, baseId, `${pointer}/${escapePointerSegment(name)}`, visit);
    }
  }
  for (const keyword of ['items', 'then', 'else']) {
    const child = node[keyword];
    if (isSchemaObject(child)) walkSchema(child, baseId, pointer, visit);
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      for (const branch of branches) if (isSchemaObject(branch)) walkSchema(branch, baseId, pointer, visit);
    }
  }
}

function collectPrivacyAnnotations(kind: DocumentKind, version: number): ReadonlyMap<string, PrivacyAnnotation> {
  const annotations = new Map<string, PrivacyAnnotation>();
  const { id, schema } = versioned(kind, version);
  walkSchema(schema, id, '', (node, pointer) => {
    const annotation = node['x-privacy'];
    if (annotation !== undefined) annotations.set(pointer, annotation as PrivacyAnnotation);
  });
  return annotations;
}

/** `oneOf` whose branches each only require one property means "exactly one of these properties". */
function exactlyOneOfNames(node: JsonSchemaObject): string[] | undefined {
  const branches = node['oneOf'];
  if (!Array.isArray(branches)) return undefined;
  const names: string[] = [];
  for (const branch of branches) {
    const required = isSchemaObject(branch) ? branch['required'] : undefined;
    if (!Array.isArray(required) || required.length !== 1) return undefined;
    names.push(String(required[0]));
  }
  return names;
}

function collectExactlyOneOf(kind: DocumentKind, version: number): ReadonlyMap<string, readonly string[]> {
  const choices = new Map<string, readonly string[]>();
  const { id, schema } = versioned(kind, version);
  walkSchema(schema, id, '', (node, pointer) => {
    const names = exactlyOneOfNames(node);
    if (names) choices.set(pointer, names);
  });
  return choices;
}

const PRIVACY_BY_VERSION = new Map(ALL_DOCUMENT_VERSIONS.map((v) => [documentName(v.kind, v.version), collectPrivacyAnnotations(v.kind, v.version)]));
const EXACTLY_ONE_OF_BY_VERSION = new Map(ALL_DOCUMENT_VERSIONS.map((v) => [documentName(v.kind, v.version), collectExactlyOneOf(v.kind, v.version)]));

function safeSegment(segment: string): string {
  return /^\d+$/.test(segment) || SAFE_PROPERTY_NAME.test(segment) ? segment : INVALID_KEY;
}

/** Rebuilds ajv's instancePath segment by segment so that no unsafe key survives into the path. */
function safePath(instancePath: string, childName?: string): string {
  const segments = instancePath === '' ? [] : instancePath.split('/').slice(1).map(unescapePointerSegment);
  if (childName !== undefined) segments.push(childName);
  return segments.map((segment) => `/${safeSegment(segment)}`).join('');
}

/** The pointer the schema walk used: the same location without array indices. */
function schemaPointer(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .filter((segment) => !/^\d+$/.test(segment))
    .map((segment) => `/${segment}`)
    .join('');
}

function stringParam(error: ErrorObject, name: string): string {
  return String((error.params as Record<string, unknown>)[name]);
}

function toDocumentError(name: string, error: ErrorObject): DocumentError {
  const code = `schema.${error.keyword}`;
  switch (error.keyword) {
    // Point at the property itself: the parent alone does not say which one to fix.
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = stringParam(error, error.keyword === 'additionalProperties' ? 'additionalProperty' : 'unevaluatedProperty');
      return { path: safePath(error.instancePath, name), code, message: 'must not be present: the standard does not define this property' };
    }
    case 'required':
      return { path: safePath(error.instancePath, stringParam(error, 'missingProperty')), code, message: 'must be present' };
    case 'dependentRequired': {
      const trigger = safeSegment(stringParam(error, 'property'));
      return { path: safePath(error.instancePath, stringParam(error, 'missingProperty')), code, message: `must be present when ${trigger} is present` };
    }
    case 'oneOf': {
      const names = EXACTLY_ONE_OF_BY_VERSION.get(name)?.get(schemaPointer(error.instancePath));
      const message = names ? `must have exactly one of ${names.join(', ')}` : 'must match exactly one alternative';
      return { path: safePath(error.instancePath), code, message };
    }
    default:
      // ajv's own messages name schema limits (pattern, maximum, allowed type), never the data,
      // because verbose is off.
      return { path: safePath(error.instancePath), code, message: (error.message ?? 'must be valid').replaceAll('NOT', 'not') };
  }
}

/**
 * The errors a caller can act on. A failed oneOf/anyOf is reported once, as itself; the errors of
 * its branches ("must have ticket", "must have tradeIn") would only restate it less clearly.
 */
function toDocumentErrors(name: string, errors: readonly ErrorObject[]): DocumentError[] {
  const summarisedBranches = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf').map((error) => `${error.schemaPath}/`);
  return errors.filter((error) => !summarisedBranches.some((prefix) => error.schemaPath.startsWith(prefix))).map((error) => toDocumentError(name, error));
}

/**
 * Validates an untrusted document against its kind's schema. All failures are reported, each with a
 * JSON Pointer path, a stable code (`schema.<ajv keyword>`) and a message; no error ever contains a
 * value from the document, and property names outside `^[A-Za-z_][A-Za-z0-9_]{0,63}$` appear as
 * `~invalid-key`. Does not run the PII detectors; that is the privacy module's job.
 */
export function validateDocument(kind: DocumentKind, doc: unknown, version: number = DEFAULT_DOCUMENT_VERSION): DocumentValidationResult {
  const name = documentName(kind, version);
  const validate = VALIDATORS.get(name);
  if (validate === undefined) throw new Error(`unknown document version ${name}`);
  if (validate(doc)) return { ok: true };
  return { ok: false, errors: toDocumentErrors(name, validate.errors ?? []) };
}

/**
 * JSON Pointers (without array indices) of the fields of a kind that carry an `x-privacy` annotation,
 * e.g. `/externalRef` → `keyed-hash`. Collected from the schema, `$ref`s into the definitions
 * included, so a new annotated field needs no code change.
 */
export function privacyAnnotations(kind: DocumentKind, version: number = DEFAULT_DOCUMENT_VERSION): ReadonlyMap<string, PrivacyAnnotation> {
  const annotations = PRIVACY_BY_VERSION.get(documentName(kind, version));
  if (!annotations) throw new Error(`unknown document version ${documentName(kind, version)}`);
  return annotations;
}

/**
 * The Chinese and English names of an enumeration's values, from its `x-labels` in the shared
 * definitions (`enumLabels('category').get('refrigerator')` → `{ zh: '冰箱', en: 'Refrigerator' }`).
 * Throws for a definition that has no labels rather than returning an empty map.
 */
export function enumLabels(defName: string): ReadonlyMap<string, EnumLabel> {
  const definitions = DEFS_SCHEMA['$defs'] as Readonly<Record<string, JsonSchemaObject>>;
  const labels = Object.hasOwn(definitions, defName) ? definitions[defName]?.['x-labels'] : undefined;
  if (!isSchemaObject(labels)) throw new Error(`definition ${defName} has no x-labels`);
  return new Map(Object.entries(labels as Readonly<Record<string, EnumLabel>>));
}
