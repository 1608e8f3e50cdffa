import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS, type DocumentKind } from '../../src/documents/document-kinds.ts';
import {
  DEFS_SCHEMA,
  DOCUMENT_SCHEMAS,
  enumLabels,
  privacyAnnotations,
  validateDocument,
  type DocumentError,
  type JsonSchemaObject,
} from '../../src/documents/document-validator.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function validExamples(kind: DocumentKind): Array<{ file: string; document: { [key: string]: Json } }> {
  const dir = new URL(`../../schema/examples/${kind}/valid/`, import.meta.url);
  return readdirSync(dir).map((file) => ({
    file,
    document: (JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { document: { [key: string]: Json } }).document,
  }));
}

function errorsOf(kind: DocumentKind, doc: unknown): DocumentError[] {
  const result = validateDocument(kind, doc);
  return result.ok ? [] : result.errors;
}

/** JSON Pointers of every object inside a document, the root included. */
function objectPointers(value: Json, pointer = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => objectPointers(item, `${pointer}/${index}`));
  if (value === null || typeof value !== 'object') return [];
  return [pointer, ...Object.entries(value).flatMap(([key, child]) => objectPointers(child, `${pointer}/${key}`))];
}

function withChange(doc: Json, pointer: string, change: (target: { [key: string]: Json }) => void): Json {
  const copy = structuredClone(doc);
  let target = copy as { [key: string]: Json };
  for (const segment of pointer.split('/').slice(1)) target = target[segment] as { [key: string]: Json };
  change(target);
  return copy;
}

/** Replaces every leaf with a recognisable value of the wrong kind, so that most of them fail. */
function withSentinels(value: Json, sentinels: string[]): Json {
  if (Array.isArray(value)) return value.map((item) => withSentinels(item, sentinels));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withSentinels(child, sentinels)]));
  }
  const sentinel = `sentinel-${sentinels.length}-值`;
  sentinels.push(sentinel);
  if (typeof value === 'number') {
    const number = 987_654.3 + sentinels.length;
    sentinels.push(String(number));
    return number;
  }
  return sentinel;
}

function walkSchemaNodes(node: unknown, visit: (node: JsonSchemaObject, location: string) => void, location = '#'): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((child, index) => walkSchemaNodes(child, visit, `${location}/${index}`));
    return;
  }
  const schema = node as JsonSchemaObject;
  visit(schema, location);
  for (const keyword of ['properties', '$defs']) {
    const map = schema[keyword] as Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(map ?? {})) walkSchemaNodes(child, visit, `${location}/${keyword}/${name}`);
  }
  for (const keyword of ['items', 'oneOf', 'anyOf', 'allOf']) walkSchemaNodes(schema[keyword], visit, `${location}/${keyword}`);
}

const ALL_SCHEMAS: ReadonlyArray<[string, JsonSchemaObject]> = [
  ['defs', DEFS_SCHEMA],
  ...DOCUMENT_KINDS.map((kind) => [kind, DOCUMENT_SCHEMAS[kind]] as [string, JsonSchemaObject]),
];

describe('validateDocument', () => {
  it('rejects an unknown property at every nesting level and points at the property', () => {
    const tested = new Set<string>();
    for (const kind of DOCUMENT_KINDS) {
      for (const { file, document } of validExamples(kind)) {
        for (const pointer of objectPointers(document)) {
          const doc = withChange(document, pointer, (target) => {
            target['unexpectedField'] = 1;
          });
          expect(errorsOf(kind, doc), `${kind}/${file} at "${pointer}"`).toEqual([
            { path: `${pointer}/unexpectedField`, code: 'schema.additionalProperties', message: expect.stringMatching(/^must /) },
          ]);
          tested.add(`${kind}:${pointer}`);
        }
      }
    }
    expect([...tested].sort()).toEqual(
      expect.arrayContaining([
        'tradein:',
        'tradein:/spec',
        'tradein:/newPurchase',
        'inspection:',
        'inspection:/tradeIn',
        'inspection:/dataWipe',
        'disposition:',
        'disposition:/tradeIn',
        'disposition:/materialsKg',
        'disposition:/refrigerant',
        'catalogue:',
        'catalogue:/spec',
      ]),
    );
  });

  it('replaces a property name that is not an identifier with ~invalid-key', () => {
    const document = validExamples('tradein')[0]!.document;
    const doc = { ...document, 'contact phone': 'x', spec: { 'a/b~c': 1 }, 联系人: 'x' };
    const paths = errorsOf('tradein', doc).map((error) => error.path);
    expect(paths.sort()).toEqual(['/spec/~invalid-key', '/~invalid-key', '/~invalid-key']);
  });

  it('never includes a value of the document in an error', () => {
    for (const kind of DOCUMENT_KINDS) {
      for (const { file, document } of validExamples(kind)) {
        const sentinels: string[] = [];
        const doc = withSentinels(document, sentinels) as { [key: string]: Json };
        doc['extraKey'] = `sentinel-extra-值`;
        doc['sentinel key'] = `sentinel-extra-值`;
        sentinels.push('sentinel-extra-值', 'sentinel key');
        const errors = errorsOf(kind, doc);
        expect(errors.length, `${kind}/${file}`).toBeGreaterThan(0);
        const serialised = JSON.stringify(errors);
        for (const sentinel of sentinels) expect(serialised, `${kind}/${file}`).not.toContain(sentinel);
      }
    }
  });

  it('writes every message as a lowercase "must …" sentence', () => {
    const doc = { grade: 'Z', faults: ['no_power', 'no_power', 'nope'], batteryHealthPct: -1, dataWipe: { passes: 99 }, gradeValue: '#' };
    const errors = errorsOf('inspection', doc);
    expect(errors.length).toBeGreaterThan(5);
    for (const error of errors) {
      expect(error.message).toMatch(/^must /);
      expect(error.message).not.toContain('NOT');
    }
  });

  it('reports a missing required property at the path of that property', () => {
    expect(errorsOf('catalogue', { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09' })).toEqual([
      { path: '/launchPriceFen', code: 'schema.required', message: 'must be present' },
    ]);
  });

  it('reports a document naming both ticket and tradeIn, or neither, as one oneOf error', () => {
    const base = { externalRef: 'qc-a1', grade: 'A', inspectedMonth: '2025-01' };
    const ticket = '0195f3a2-7c4e-7d2e-9b3a-5e8f1c2d4a6b';
    const tradeIn = { platform: 'jd', externalRef: 'ti-a1' };
    const expected = [{ path: '', code: 'schema.oneOf', message: 'must have exactly one of ticket, tradeIn' }];
    expect(errorsOf('inspection', { ...base, ticket, tradeIn })).toEqual(expected);
    expect(errorsOf('inspection', base)).toEqual(expected);
    expect(errorsOf('disposition', { externalRef: 'dp-a1', disposition: 'pending', completedMonth: '2025-01' })).toEqual(expected);
  });

  it('rejects a document that is not an object', () => {
    expect(errorsOf('tradein', 'iPhone 13')).toEqual([{ path: '', code: 'schema.type', message: 'must be object' }]);
  });
});

describe('privacyAnnotations', () => {
  it('lists the pointers of the annotated fields of each kind', () => {
    expect(Object.fromEntries(privacyAnnotations('tradein'))).toEqual({ '/externalRef': 'keyed-hash', '/subjectRef': 'pseudonym' });
    expect(Object.fromEntries(privacyAnnotations('inspection'))).toEqual({
      '/externalRef': 'keyed-hash',
      '/tradeIn/externalRef': 'keyed-hash',
      '/dataWipe/certificateRef': 'opaque',
    });
    expect(Object.fromEntries(privacyAnnotations('disposition'))).toEqual({
      '/externalRef': 'keyed-hash',
      '/tradeIn/externalRef': 'keyed-hash',
    });
    expect(Object.fromEntries(privacyAnnotations('catalogue'))).toEqual({});
  });
});

describe('enumLabels', () => {
  it('names all 18 programme categories in Chinese and English', () => {
    const labels = enumLabels('category');
    expect([...labels.keys()]).toEqual([
      'refrigerator',
      'washing_machine',
      'television',
      'air_conditioner',
      'computer',
      'water_heater',
      'household_stove',
      'range_hood',
      'water_purifier',
      'dishwasher',
      'rice_cooker',
      'microwave_oven',
      'mobile_phone',
      'tablet',
      'smartwatch_band',
      'smart_glasses',
      'passenger_car',
      'electric_bicycle',
    ]);
    expect(labels.get('refrigerator')).toEqual({ zh: '冰箱', en: 'Refrigerator' });
    for (const label of labels.values()) {
      expect(label.zh).toMatch(/[\u4e00-\u9fa5]/);
      expect(label.en).toMatch(/^[A-Z]/);
    }
  });

  it('labels every value of every enumeration, and nothing else', () => {
    const definitions = DEFS_SCHEMA['$defs'] as Record<string, JsonSchemaObject>;
    const enumerations = Object.entries(definitions).filter(([, definition]) => Array.isArray(definition['enum']));
    expect(enumerations.length).toBeGreaterThanOrEqual(14);
    for (const [name, definition] of enumerations) {
      expect([...enumLabels(name).keys()], name).toEqual(definition['enum']);
    }
  });

  it('throws for a definition without labels', () => {
    expect(() => enumLabels('month')).toThrow(/no x-labels/);
    expect(() => enumLabels('toString')).toThrow(/no x-labels/);
  });
});

describe('standard schemas', () => {
  it('forbid additional properties on every object', () => {
    for (const [name, schema] of ALL_SCHEMAS) {
      walkSchemaNodes(schema, (node, location) => {
        if (node['type'] === 'object') expect(node['additionalProperties'], `${name} ${location}`).toBe(false);
      });
    }
  });

  it('describe every property and title every definition', () => {
    for (const [name, schema] of ALL_SCHEMAS) {
      expect(schema['title'], name).toEqual(expect.any(String));
      expect(schema['description'], name).toEqual(expect.any(String));
      walkSchemaNodes(schema, (node, location) => {
        if (/\/\$defs\/[^/]+$/.test(location)) expect(node['title'], `${name} ${location}`).toEqual(expect.any(String));
        if (/\/properties\/[^/]+$/.test(location)) {
          expect(node['description'], `${name} ${location}`).toEqual(expect.any(String));
        }
      });
    }
  });
});
