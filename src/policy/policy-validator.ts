import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { hubAjv } from '../json-schema/hub-ajv.ts';
import { projectFile } from '../project-root.ts';

/** `$id` of `schema/policy.schema.json`. */
export const POLICY_SCHEMA_ID = 'https://tradein-hub.org/schema/policy.schema.json';

/** The policy schema as loaded from `schema/`, frozen because ajv keeps a reference to it. */
export const POLICY_SCHEMA: { readonly [keyword: string]: unknown } = loadPolicySchema();

function loadPolicySchema(): { readonly [keyword: string]: unknown } {
  const schema = JSON.parse(readFileSync(projectFile('schema/policy.schema.json'), 'utf8')) as Record<string, unknown>;
  if (schema['$id'] !== POLICY_SCHEMA_ID) throw new Error(`schema/policy.schema.json must declare $id ${POLICY_SCHEMA_ID}`);
  return deepFreeze(schema);
}

/**
 * The shape of a request fixture (`policies/<purpose>/{ALLOW,DENY}/*.json`). Deliberately loose about
 * names: a DENY fixture must be able to ask for a dimension, measure or purpose that does not exist.
 */
const POLICY_FIXTURE_SCHEMA = {
  $id: 'https://tradein-hub.org/schema/policy-fixture.internal.json',
  type: 'object',
  additionalProperties: false,
  required: ['description', 'principal', 'purpose', 'request', 'agreement', 'now', 'expectRules'],
  properties: {
    description: { type: 'string', minLength: 1 },
    principal: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'partyId', 'role'],
          properties: {
            kind: { const: 'party' },
            partyId: { type: 'string', minLength: 1 },
            role: { $ref: `${POLICY_SCHEMA_ID}#/$defs/role` },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'platformId', 'subjectRef'],
          properties: {
            kind: { const: 'user' },
            platformId: { type: 'string', minLength: 1 },
            subjectRef: { type: 'string', minLength: 1 },
          },
        },
      ],
    },
    purpose: { type: 'string' },
    request: {
      type: 'object',
      additionalProperties: false,
      required: ['groupBy', 'measures', 'filters'],
      properties: {
        groupBy: { type: 'array', items: { type: 'string' } },
        measures: { type: 'array', items: { type: 'string' } },
        filters: {
          type: 'object',
          properties: { tradeInMonthFrom: { type: 'string' }, tradeInMonthTo: { type: 'string' } },
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    agreement: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'validFrom', 'validTo'],
          properties: {
            status: { type: 'string', minLength: 1 },
            validFrom: { $ref: '#/$defs/instant' },
            validTo: { $ref: '#/$defs/instant' },
          },
        },
      ],
    },
    now: { $ref: '#/$defs/instant' },
    expectRules: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
  },
  $defs: {
    instant: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$' },
  },
} as const;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// Compiled once at module load, into the hub's one Ajv.
const validatePolicyDocument: ValidateFunction = hubAjv.compile(POLICY_SCHEMA);
const validateFixtureDocument: ValidateFunction = hubAjv.compile(POLICY_FIXTURE_SCHEMA);

/** One schema failure: `schema.<ajv keyword>` and a sentence that starts with the JSON Pointer. */
export interface SchemaProblem {
  code: `schema.${string}`;
  message: string;
}

function param(error: ErrorObject, name: string): unknown {
  return (error.params as Record<string, unknown>)[name];
}

function toProblem(error: ErrorObject): SchemaProblem {
  const code = `schema.${error.keyword}` as const;
  const at = error.instancePath === '' ? '' : error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties':
      return { code, message: `${at}/${String(param(error, 'additionalProperty'))} must not be present: the schema does not define this property` };
    case 'required': {
      // Required by the if/then branch: the grants an allowed policy must state.
      const condition = error.schemaPath.startsWith('#/then/') ? ' when status is allowed' : '';
      return { code, message: `${at}/${String(param(error, 'missingProperty'))} must be present${condition}` };
    }
    case 'anyOf':
      return { code, message: `${at || '/'} must match one of the allowed shapes` };
    case 'enum':
      return { code, message: `${at || '/'} must be one of ${(param(error, 'allowedValues') as unknown[]).join(', ')}` };
    default:
      return { code, message: `${at || '/'} ${(error.message ?? 'must be valid').replaceAll('NOT', 'not')}` };
  }
}

/**
 * ajv's errors as problems an author can act on. An `if` failure only restates the errors of its
 * `then`, and the errors inside a failed `anyOf`'s branches ("must be null", "must be object") are
 * noise next to the anyOf itself, so both are dropped.
 */
function toProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  return errors.filter((error) => error.keyword !== 'if' && !error.schemaPath.includes('/anyOf/')).map(toProblem);
}

/** Validates a parsed `policy.yaml` against `schema/policy.schema.json`; every failure is reported. */
export function checkPolicySchema(document: unknown): SchemaProblem[] {
  return validatePolicyDocument(document) ? [] : toProblems(validatePolicyDocument.errors ?? []);
}

/** Validates a parsed request fixture against its (internal) shape; every failure is reported. */
export function checkPolicyFixtureSchema(document: unknown): SchemaProblem[] {
  return validateFixtureDocument(document) ? [] : toProblems(validateFixtureDocument.errors ?? []);
}
