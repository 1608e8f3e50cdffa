/**
 * Writes src/documents/documents.generated.ts from the schemas.
 * Run: node --import tsx src/documents/write-document-types.ts
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GENERATED_TYPES_FILE, generateDocumentTypes } from './generate-document-types.ts';

await writeFile(GENERATED_TYPES_FILE, await generateDocumentTypes(), 'utf8');
console.log(`wrote ${fileURLToPath(GENERATED_TYPES_FILE)}`);
