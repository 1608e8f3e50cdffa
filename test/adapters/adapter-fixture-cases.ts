/**
 * The fixture folders under adapters/<name>/fixtures/<case>/ and how to run one: read the input the way
 * `push` reads it, map every row, run the partner-side privacy gate, and describe each row's outcome in
 * the shape of expected.json. Shared by the generic runner (test/data/adapter-fixtures.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { AdapterOptions } from '../../adapters/adapter.ts';
import { privateColumns, requiredColumns } from '../../adapters/native-schema.ts';
import { checkDocument } from '../../src/documents/check-document.ts';
import { resolveAdapter } from '../../src/push/push-file.ts';
import { openRecordSource } from '../../src/push/read-records.ts';

export const ADAPTERS_DIR = fileURLToPath(new URL('../../adapters/', import.meta.url));

export type FixtureOutcome =
  /** `version` only when the row maps to a document version other than 1. */
  | { row: number; document: unknown; version?: number }
  | { row: number; errors: { column: string; code: string }[] }
  | { row: number; check: { path: string; code: string }[] }
  | { row: number; unreadable: true };

export interface FixtureCase {
  adapter: string;
  name: string;
  dir: string;
  input: string;
  options: AdapterOptions;
  /** Columns whose values must never appear in an output document. */
  privateColumns: readonly string[];
}

/** Options as a case folder states them: options.json ({platform, subjectKey as text}) and mapping.yaml. */
function readOptions(dir: string): AdapterOptions {
  const options: AdapterOptions = {};
  const optionsFile = path.join(dir, 'options.json');
  if (fs.existsSync(optionsFile)) {
    const raw = JSON.parse(fs.readFileSync(optionsFile, 'utf8')) as { platform?: string; recycler?: string; subjectKey?: string };
    if (raw.platform !== undefined) options.platform = raw.platform;
    if (raw.recycler !== undefined) options.recycler = raw.recycler;
    if (raw.subjectKey !== undefined) options.subjectKey = Buffer.from(raw.subjectKey, 'utf8');
  }
  const mappingFile = path.join(dir, 'mapping.yaml');
  if (fs.existsSync(mappingFile)) options.mapping = parseYaml(fs.readFileSync(mappingFile, 'utf8'));
  return options;
}

/** Adapter folders: every folder under adapters/ except the shared parsers. */
export function adapterFolders(): string[] {
  return fs
    .readdirSync(ADAPTERS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .map((entry) => entry.name)
    .sort();
}

export function listFixtureCases(adapter: string): FixtureCase[] {
  const root = path.join(ADAPTERS_DIR, adapter, 'fixtures');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = path.join(root, entry.name);
      const input = ['input.json', 'input.csv'].map((file) => path.join(dir, file)).find((file) => fs.existsSync(file));
      if (input === undefined) throw new Error(`${dir} must hold input.json or input.csv`);
      const options = readOptions(dir);
      return { adapter, name: entry.name, dir, input, options, privateColumns: privateColumns(resolveAdapter(adapter, options).native) };
    });
}

export function readExpected(fixture: FixtureCase): FixtureOutcome[] {
  return (JSON.parse(fs.readFileSync(path.join(fixture.dir, 'expected.json'), 'utf8')) as { results: FixtureOutcome[] }).results;
}

/** Runs a case: each row's outcome, and every non-empty private cell seen in the input. */
export async function runFixtureCase(fixture: FixtureCase): Promise<{ outcomes: FixtureOutcome[]; privateValues: string[] }> {
  const { entry, kind, native } = resolveAdapter(fixture.adapter, fixture.options);
  const mapRow = entry.adapter.create(fixture.options);
  const source = await openRecordSource(fixture.input, entry.input, { requiredColumns: requiredColumns(native) });
  const outcomes: FixtureOutcome[] = [];
  const privateValues: string[] = [];
  for await (const { row, record } of source.records) {
    if (record === undefined) {
      outcomes.push({ row, unreadable: true });
      continue;
    }
    for (const column of fixture.privateColumns) {
      const value = record[column];
      if (typeof value === 'string' && value.trim() !== '') privateValues.push(value.trim());
    }
    const result = mapRow(record, row);
    if (!result.ok) {
      outcomes.push({ row, errors: result.errors.map(({ column, code }) => ({ column, code })) });
      continue;
    }
    const findings = checkDocument(kind, result.document, result.version === undefined ? {} : { version: result.version });
    outcomes.push(
      findings.length > 0
        ? { row, check: findings.map(({ path: pointer, code }) => ({ path: pointer, code })) }
        : { row, document: result.document, ...(result.version === undefined ? {} : { version: result.version }) },
    );
  }
  return { outcomes, privateValues };
}
