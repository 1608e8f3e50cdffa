import defsSchema from '../../schema/defs.schema.json' with { type: 'json' };
import { isDocumentKind, type DocumentKind } from '../../src/documents/document-kinds.ts';
import { VERSIONED_SCHEMAS } from '../../src/documents/document-validator.ts';
import { DEFAULT_DOCUMENT_VERSION, DOCUMENT_VERSIONS, documentName } from '../../src/documents/document-versions.ts';
import { AdapterOptionsError } from '../adapter.ts';
import type { NativeColumn, NativeSchema } from '../native-schema.ts';

/** Parsers a mapping may name; each is one of the shared single-purpose modules. */
export const PARSERS = ['text', 'month', 'fen', 'integer', 'number', 'percent', 'region', 'category'] as const;
export type ParserName = (typeof PARSERS)[number];

export type ConstantValue = string | number | boolean;

/** Where one document field comes from: a column (parsed or looked up), a constant, or an adapter option. */
export type FieldSource =
  | {
      kind: 'column';
      column: string;
      parse: ParserName;
      /** Word → value; a word missing from the table is reported; a word mapped to null is ignored. */
      values?: ReadonlyMap<string, ConstantValue | null>;
      /** Splits the cell into a list on any of these characters. */
      split?: RegExp;
      optional: boolean;
      prefix?: string;
      /** Power of ten applied by the number parser (-3: grams → kilograms). */
      scale: number;
      /** The city column read with a region's province column. */
      city?: string;
    }
  | { kind: 'const'; value: ConstantValue }
  | { kind: 'option'; option: 'platform' };

export interface MappingSpec {
  kind: DocumentKind;
  /** The document version every row maps to (`schema/document-versions.json`); 1 when the mapping names none. */
  version: number;
  /** Columns that hold personal data: the adapter never reads them, and no field may name them. */
  privateColumns: readonly string[];
  /** Field path (dot-separated, e.g. tradeIn.externalRef) → source, in the mapping's order. */
  fields: ReadonlyMap<string, FieldSource>;
}

type SchemaNode = { properties?: Record<string, SchemaNode>; $ref?: string };

/** Follows the version's schema's properties (and `defs.schema.json#/$defs/…` references) along a path. */
function schemaHasField(kind: DocumentKind, version: number, path: readonly string[]): boolean {
  let node = VERSIONED_SCHEMAS.get(documentName(kind, version))?.schema as SchemaNode | undefined;
  for (const segment of path) {
    while (node?.$ref !== undefined) node = resolveDefinition(node.$ref);
    node = node?.properties !== undefined && Object.hasOwn(node.properties, segment) ? node.properties[segment] : undefined;
    if (node === undefined) return false;
  }
  return true;
}

function resolveDefinition(ref: string): SchemaNode | undefined {
  const match = /#\/\$defs\/([A-Za-z]+)$/.exec(ref);
  const definitions = (defsSchema as { $defs: Record<string, SchemaNode> }).$defs;
  return match !== null && Object.hasOwn(definitions, match[1]!) ? definitions[match[1]!] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fail(message: string): never {
  throw new AdapterOptionsError(`mapping ${message}`);
}

function isConstant(value: unknown): value is ConstantValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

const FIELD_KEYS = new Set(['column', 'const', 'option', 'parse', 'values', 'split', 'optional', 'prefix', 'scale', 'city']);

function readField(name: string, raw: unknown, privateColumns: ReadonlySet<string>): FieldSource {
  if (!isRecord(raw)) fail(`field ${name} must be an object with column, const or option`);
  for (const key of Object.keys(raw)) if (!FIELD_KEYS.has(key)) fail(`field ${name} must not have the key ${JSON.stringify(key)}`);
  const sources = ['column', 'const', 'option'].filter((key) => raw[key] !== undefined);
  if (sources.length !== 1) fail(`field ${name} must have exactly one of column, const, option`);
  if (raw.const !== undefined) {
    if (!isConstant(raw.const)) fail(`field ${name}: const must be a string, number or boolean`);
    return { kind: 'const', value: raw.const };
  }
  if (raw.option !== undefined) {
    if (raw.option !== 'platform') fail(`field ${name}: option must be platform`);
    return { kind: 'option', option: 'platform' };
  }
  const column = raw.column;
  if (typeof column !== 'string' || column === '') fail(`field ${name}: column must be a column name`);
  if (privateColumns.has(column)) fail(`field ${name} must not read the private column ${JSON.stringify(column)}`);
  const parse = raw.parse ?? 'text';
  if (!(PARSERS as readonly unknown[]).includes(parse)) fail(`field ${name}: parse must be one of ${PARSERS.join(', ')}`);
  if (raw.values !== undefined && parse !== 'text') fail(`field ${name} must not have both values and parse`);
  let values: Map<string, ConstantValue | null> | undefined;
  if (raw.values !== undefined) {
    if (!isRecord(raw.values)) fail(`field ${name}: values must map words to values`);
    values = new Map();
    for (const [word, value] of Object.entries(raw.values)) {
      if (value !== null && !isConstant(value)) fail(`field ${name}: values must map words to strings, numbers, booleans or null`);
      values.set(word.normalize('NFKC').replace(/\s+/g, ''), value);
    }
  }
  if (raw.split !== undefined && (typeof raw.split !== 'string' || raw.split === '')) fail(`field ${name}: split must be the separator characters`);
  if (raw.optional !== undefined && typeof raw.optional !== 'boolean') fail(`field ${name}: optional must be true or false`);
  if (raw.prefix !== undefined && (typeof raw.prefix !== 'string' || parse !== 'text')) fail(`field ${name}: prefix must be a string on a text field`);
  if (raw.scale !== undefined && (!Number.isInteger(raw.scale) || parse !== 'number'))
    fail(`field ${name}: scale must be a whole power of ten on a number field`);
  if (raw.city !== undefined && (typeof raw.city !== 'string' || parse !== 'region')) fail(`field ${name}: city must be a column name on a region field`);
  if (typeof raw.city === 'string' && privateColumns.has(raw.city)) fail(`field ${name} must not read the private column ${JSON.stringify(raw.city)}`);
  const split =
    typeof raw.split === 'string' ? new RegExp(`[${[...raw.split].map((ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`).join('')}]`, 'u') : undefined;
  return {
    kind: 'column',
    column,
    parse: parse as ParserName,
    optional: raw.optional === true,
    scale: typeof raw.scale === 'number' ? raw.scale : 0,
    ...(values === undefined ? {} : { values }),
    ...(split === undefined ? {} : { split }),
    ...(typeof raw.prefix === 'string' ? { prefix: raw.prefix } : {}),
    ...(typeof raw.city === 'string' ? { city: raw.city } : {}),
  };
}

/**
 * The mapping's `version`: one the standard defines for the kind (schema/document-versions.json), 1 when
 * absent. Whether the hub still (or already) accepts it is the hub's to answer when the batch arrives: the
 * adapter has no clock.
 */
function readVersion(kind: DocumentKind, raw: unknown): number {
  if (raw === undefined) return DEFAULT_DOCUMENT_VERSION;
  const defined = (DOCUMENT_VERSIONS.get(kind) ?? []).map((entry) => entry.version);
  if (typeof raw !== 'number' || !defined.includes(raw)) {
    fail(`version must be a version the standard defines for ${kind} (${defined.join(', ')}; schema/document-versions.json)`);
  }
  return raw;
}

/**
 * Validates a parsed YAML mapping (see fixtures/*\/mapping.yaml) once, before any row: the kind and its
 * version, every field path against that version's JSON Schema, sources, parsers, value tables, and that no
 * field reads a column declared private. Throws AdapterOptionsError naming the mapping key; a mapping holds no
 * row data.
 */
export function readMappingSpec(raw: unknown): MappingSpec {
  if (!isRecord(raw)) fail('must be a YAML object with kind and fields');
  for (const key of Object.keys(raw)) if (!['kind', 'version', 'private', 'fields'].includes(key)) fail(`must not have the key ${JSON.stringify(key)}`);
  if (typeof raw.kind !== 'string' || !isDocumentKind(raw.kind)) fail('kind must be one of tradein, inspection, disposition, catalogue, wipe_attestation');
  const kind = raw.kind;
  const version = readVersion(kind, raw.version);
  const privateList = raw.private ?? [];
  if (!Array.isArray(privateList) || !privateList.every((column) => typeof column === 'string')) fail('private must be a list of column names');
  const privateColumns = new Set(privateList as string[]);
  if (!isRecord(raw.fields) || Object.keys(raw.fields).length === 0) fail('fields must map document fields to sources');
  const fields = new Map<string, FieldSource>();
  for (const [name, source] of Object.entries(raw.fields)) {
    const path = name.split('.');
    if (!path.every((segment) => /^[A-Za-z][A-Za-z0-9]*$/.test(segment)) || !schemaHasField(kind, version, path)) {
      fail(`field ${name} must be a field of ${documentName(kind, version)}`);
    }
    fields.set(name, readField(name, source, privateColumns));
  }
  return { kind, version, privateColumns: [...privateColumns], fields };
}

/**
 * The native schema a mapping implies, so the push treats a mapped file like any other: the columns of
 * required fields must be in the header, private columns are marked, and a report about a document field
 * names the column it came from.
 */
export function nativeSchemaOf(spec: MappingSpec): NativeSchema {
  const properties: Record<string, NativeColumn> = {};
  const required = new Set<string>();
  for (const [field, source] of spec.fields) {
    if (source.kind !== 'column') continue;
    const pointer = `/${field.replaceAll('.', '/')}`;
    for (const column of source.city === undefined ? [source.column] : [source.column, source.city]) {
      const existing = properties[column];
      properties[column] = { description: `feeds ${field}`, 'x-field': [...(existing?.['x-field'] ?? []), pointer] };
    }
    if (!source.optional && source.split === undefined) required.add(source.column);
  }
  for (const column of spec.privateColumns) properties[column] = { description: 'declared private by the mapping', 'x-private': 'declared' };
  return { $id: 'mapping', required: [...required], properties };
}
