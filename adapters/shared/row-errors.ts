import type { DocumentKind } from '../../src/documents/document-kinds.ts';
import type { DocumentsByKind } from '../../src/documents/documents.generated.ts';
import type { AdapterError, AdapterErrorCode, AdapterResult } from '../adapter.ts';

/**
 * Collects every problem of one row before answering, so the partner fixes a row once rather than once per
 * column. Messages are fixed sentences chosen by the adapter; cell values never enter them.
 */
export class RowErrors {
  private readonly errors: AdapterError[] = [];

  constructor(private readonly row: number) {}

  add(column: string, code: AdapterErrorCode, message: string): void {
    this.errors.push({ row: this.row, column, code, message });
  }

  get count(): number {
    return this.errors.length;
  }

  /** The document when no error was added, else every error. */
  /** The mapped document, or every error found; `version` is the document version it is (1 when omitted). */
  result<K extends DocumentKind>(build: () => DocumentsByKind[K], version?: number): AdapterResult<K> {
    if (this.errors.length > 0) return { ok: false, errors: [...this.errors] };
    return version === undefined || version === 1 ? { ok: true, document: build() } : { ok: true, document: build(), version };
  }
}
