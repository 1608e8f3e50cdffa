import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDocumentKind, type DocumentKind } from '../../src/documents/document-kinds.ts';
import { findDocumentVersion } from '../../src/documents/document-versions.ts';
import { validateDocument } from '../../src/documents/document-validator.ts';

// Data-driven, in the style of the JSON-Schema-Test-Suite: every file under
// schema/examples/<kind>/{valid,invalid}/ (version 1) or schema/examples/<kind>.v<n>/… is one case, so
// adding a case is adding a file.
const EXAMPLES_DIR = new URL('../../schema/examples/', import.meta.url);

interface ValidExample {
  description: string;
  document: unknown;
}

interface InvalidExample extends ValidExample {
  expectedCode: string;
  expectedPath: string;
}

function exampleFiles(kind: string, validity: 'valid' | 'invalid'): string[] {
  return readdirSync(new URL(`${kind}/${validity}/`, EXAMPLES_DIR))
    .filter((name) => name.endsWith('.json'))
    .sort();
}

function readExample<T>(kind: string, validity: string, file: string): T {
  return JSON.parse(readFileSync(new URL(`${kind}/${validity}/${file}`, EXAMPLES_DIR), 'utf8')) as T;
}

const kinds = readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** A folder's kind and version: `tradein` is tradein.v1, `tradein.v2` its second version. */
function folderVersion(folder: string): { kind: DocumentKind; version: number } | undefined {
  const match = /^([a-z_]+)(?:\.v(\d+))?$/.exec(folder);
  if (match === null || !isDocumentKind(match[1]!)) return undefined;
  const version = match[2] === undefined ? 1 : Number(match[2]);
  return findDocumentVersion(match[1]!, version) === undefined ? undefined : { kind: match[1]!, version };
}

describe('schema examples', () => {
  it('has a folder only for known document kinds and versions', () => {
    expect(kinds.filter((folder) => folderVersion(folder) === undefined)).toEqual([]);
  });

  for (const folder of kinds) {
    const found = folderVersion(folder);
    if (found === undefined) continue;
    const { version } = found;
    const kind = folder;

    describe(`${folder} valid`, () => {
      for (const file of exampleFiles(kind, 'valid')) {
        const example = readExample<ValidExample>(kind, 'valid', file);
        it(`accepts ${file}: ${example.description}`, () => {
          expect(validateDocument(found.kind, example.document, version)).toEqual({ ok: true });
        });
      }
    });

    describe(`${folder} invalid`, () => {
      for (const file of exampleFiles(kind, 'invalid')) {
        const example = readExample<InvalidExample>(kind, 'invalid', file);
        it(`rejects ${file} with ${example.expectedCode} at "${example.expectedPath}": ${example.description}`, () => {
          const result = validateDocument(found.kind, example.document, version);
          expect(result.ok).toBe(false);
          const errors = result.ok ? [] : result.errors;
          expect(errors).toContainEqual(expect.objectContaining({ code: example.expectedCode, path: example.expectedPath }));
        });
      }
    });
  }
});
