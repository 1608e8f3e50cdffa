import fs from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import type { NativeRow } from '../../adapters/adapter.ts';
import type { InputFormat } from '../../adapters/registry.ts';
import { JsonArrayElementSplitter, JsonArrayStreamError } from './json-array-stream.ts';

/** One record of the input: its 1-based ordinal (header excluded) and its cells, or why it is unreadable. */
export type SourceRecord = { row: number; record: NativeRow } | { row: number; record: undefined; problem: string };

/** A file read as a stream of records; `bytesRead` feeds the progress bar. */
export interface RecordSource {
  readonly records: AsyncIterable<SourceRecord>;
  readonly totalBytes: number;
  bytesRead(): number;
}

/** A file that cannot be read as its format says; the message names a line or row, never file content. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly code: 'push.bad_csv' | 'push.bad_json' | 'push.missing_columns',
    message: string,
  ) {
    super(message);
  }
}

/** Header names as partners' spreadsheets write them, folded: full-width brackets → ASCII, spaces trimmed. */
export function normaliseColumnName(name: string): string {
  return name.normalize('NFKC').trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function normaliseKeys(value: Record<string, unknown>): NativeRow {
  return Object.fromEntries(Object.entries(value).map(([key, cell]) => [normaliseColumnName(key), cell]));
}

/**
 * Opens `file` for streaming in its format. CSV: UTF-8 with a header row (a BOM is skipped), records may
 * span lines inside quotes; the header must hold `requiredColumns`. JSON: the elements of the array under
 * `arrayKey` (or of the top-level array). Nothing but the current record is held in memory.
 */
export async function openRecordSource(
  file: string,
  input: InputFormat,
  options: { requiredColumns?: readonly string[]; signal?: AbortSignal } = {},
): Promise<RecordSource> {
  const { size } = await fs.promises.stat(file);
  const stream = fs.createReadStream(file, { highWaterMark: 64 * 1024, ...(options.signal ? { signal: options.signal } : {}) });
  const records = input.format === 'csv' ? csvRecords(stream, options.requiredColumns ?? []) : jsonRecords(stream, input.arrayKey);
  return { records, totalBytes: size, bytesRead: () => stream.bytesRead };
}

async function* csvRecords(stream: fs.ReadStream, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord> {
  // Records as arrays, the header handled here: a row with more or fewer cells than the header is
  // reported rather than read into the wrong columns.
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true });
  stream.pipe(parser);
  stream.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  let row = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = cells.map(normaliseColumnName);
        const missing = requiredColumns.filter((column) => !header!.includes(column));
        if (missing.length > 0) throw new InputFileError('push.missing_columns', `file must have the columns ${missing.join(', ')}`);
        continue;
      }
      row += 1;
      if (cells.length !== header.length) {
        yield { row, record: undefined, problem: `must have ${header.length} cells like the header` };
        continue;
      }
      yield { row, record: Object.fromEntries(header.map((column, index) => [column, cells[index]])) };
    }
    if (header === undefined && requiredColumns.length > 0) throw new InputFileError('push.missing_columns', 'file must start with a header row');
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    // csv-parse's messages can quote the offending field; keep only its code and line.
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new InputFileError('push.bad_csv', `file must be valid CSV (${error.code}${line === undefined ? '' : ` at line ${line}`})`);
    }
    throw error;
  } finally {
    stream.destroy();
  }
}

async function* jsonRecords(stream: fs.ReadStream, arrayKey: string | null): AsyncGenerator<SourceRecord> {
  stream.setEncoding('utf8');
  const splitter = new JsonArrayElementSplitter(arrayKey);
  let row = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      for (const element of splitter.push(chunk)) {
        row += 1;
        yield element.ok && isRecord(element.value)
          ? { row, record: normaliseKeys(element.value) }
          : { row, record: undefined, problem: element.ok ? 'must be a JSON object' : 'must be valid JSON' };
      }
    }
    splitter.end();
  } catch (error) {
    if (error instanceof JsonArrayStreamError) throw new InputFileError('push.bad_json', error.message);
    throw error;
  } finally {
    stream.destroy();
  }
}
