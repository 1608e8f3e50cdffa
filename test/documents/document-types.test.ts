import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_FILE, generateDocumentTypes } from '../../src/documents/generate-document-types.ts';

describe('generateDocumentTypes', () => {
  it('reproduces the committed documents.generated.ts exactly (run `npm run gen` after a schema change)', async () => {
    expect(await generateDocumentTypes()).toBe(readFileSync(GENERATED_TYPES_FILE, 'utf8'));
  });

  it('declares the four document types and the shared enumerations', async () => {
    const source = readFileSync(GENERATED_TYPES_FILE, 'utf8');
    for (const name of ['TradeInV1', 'InspectionV1', 'DispositionV1', 'CatalogueV1', 'DocumentsByKind']) {
      expect(source).toContain(`export interface ${name} {`);
    }
    for (const name of ['Category', 'Grade', 'GradeScheme', 'FaultCode', 'Disposition', 'RefrigerantType', 'Channel']) {
      expect(source).toContain(`export type ${name} =`);
    }
  });
});
