import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDocumentKind } from '../../src/documents/document-kinds.ts';
import { validateDocument } from '../../src/documents/document-validator.ts';

// Data-driven, in the style of the JSON-Schema-Test-Suite: every file under
// schema/examples/<kind>/{valid,invalid}/ is one case, so adding a case is adding a file.
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

describe('schema examples', () => {
  it('has a folder only for known document kinds', () => {
    expect(kinds.filter((kind) => !isDocumentKind(kind))).toEqual([]);
  });

  for (const kind of kinds) {
    if (!isDocumentKind(kind)) continue;

    describe(`${kind} valid`, () => {
      for (const file of exampleFiles(kind, 'valid')) {
        const example = readExample<ValidExample>(kind, 'valid', file);
        it(`accepts ${file}: ${example.description}`, () => {
          expect(validateDocument(kind, example.document)).toEqual({ ok: true });
        });
      }
    });

    describe(`${kind} invalid`, () => {
      for (const file of exampleFiles(kind, 'invalid')) {
        const example = readExample<InvalidExample>(kind, 'invalid', file);
        it(`rejects ${file} with ${example.expectedCode} at "${example.expectedPath}": ${example.description}`, () => {
          const result = validateDocument(kind, example.document);
          expect(result.ok).toBe(false);
          const errors = result.ok ? [] : result.errors;
          expect(errors).toContainEqual(
            expect.objectContaining({ code: example.expectedCode, path: example.expectedPath }),
          );
        });
      }
    });
  }
});
