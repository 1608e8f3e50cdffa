import fs from 'node:fs/promises';
import type { AdapterError, AdapterOptions, RowMapper } from '../../adapters/adapter.ts';
import { nativeSchemaOf, readMappingSpec } from '../../adapters/mapped-csv/mapping-spec.ts';
import { columnForPointer, requiredColumns, type NativeSchema } from '../../adapters/native-schema.ts';
import { ADAPTERS, type AdapterEntry } from '../../adapters/registry.ts';
import { checkDocument } from '../documents/check-document.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import { DEFAULT_DOCUMENT_VERSION } from '../documents/document-versions.ts';
import { readCheckpoint, removeCheckpoint, writeCheckpoint, type PushCounts } from './checkpoint.ts';
import { submitBulkBatch } from './bulk-batch.ts';
import { BatchTooLargeError, submitBatch, type DocumentErrorShape, type ItemResult } from './hub-client.ts';
import { silentProgress, type ProgressReporter } from './progress-reporter.ts';
import { PushError } from './push-error.ts';
import { openRecordSource } from './read-records.ts';
import { RejectsReport, type RejectLine } from './rejects-report.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import type { TokenSource } from './token-source.ts';

export const DEFAULT_BATCH_SIZE = 500;
export const MAX_BATCH_SIZE = 1000;

// A batch is sent early when this many locally rejected rows wait behind it, which bounds memory on a file
// that is mostly rejects.
const MAX_PENDING_REJECTS = 5_000;

export interface PushOptions {
  adapter: string;
  file: string;
  adapterOptions: AdapterOptions;
  /** The hub's GraphQL endpoint (not contacted on a dry run). */
  endpoint: string;
  /** Required unless dryRun. */
  tokens?: TokenSource;
  batchSize?: number;
  /**
   * How each batch travels: `graphql` (default), the kind's submit mutation at `endpoint`; `bulk`, NDJSON to
   * `POST /bulk/<kind>` on the same hub — the same per-document answers, without GraphQL's overhead.
   */
  transport?: 'graphql' | 'bulk';
  /** Map and check locally, write the rejects report, send nothing. */
  dryRun?: boolean;
  /** Defaults to `<file>.rejects.csv`. */
  rejectsFile?: string;
  /** Keep `<rejects>.checkpoint.json` so a re-run skips acknowledged batches (default true). */
  checkpoint?: boolean;
  retry?: RetryPolicy;
  requestTimeoutMs?: number;
  /** Aborting stops after the current row; the checkpoint keeps what the hub acknowledged. */
  signal?: AbortSignal;
  progress?: ProgressReporter;
  fetch?: typeof fetch;
  /** Called after each batch the hub answered (tests interrupt a push here). */
  onBatchAcknowledged?: (info: { batch: number; rowsDone: number }) => void | Promise<void>;
}

export interface PushSummary extends PushCounts {
  adapter: string;
  kind: DocumentKind;
  dryRun: boolean;
  /** Rows a previous, interrupted run had already settled (included in the counts). */
  resumedAfterRow: number;
  batches: number;
  retries: number;
  interrupted: boolean;
  rejectsFile: string;
  /** Rejected or conflicting rows per code (a row with several errors counts under each code once). */
  rejectCodes: Record<string, number>;
}

interface PendingDocument {
  row: number;
  document: unknown;
  /** The document version the adapter mapped the row to; a batch holds one version. */
  version: number;
}

/**
 * The adapter entry, document kind and native schema for a name and options; for mapped-csv the kind and
 * the columns come from the mapping. Throws PushError for an unknown name, AdapterOptionsError for a bad
 * mapping.
 */
export function resolveAdapter(name: string, options: AdapterOptions): { entry: AdapterEntry; kind: DocumentKind; native: NativeSchema } {
  const entry = Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name]! : undefined;
  if (entry === undefined) throw new PushError('push.bad_options', `--adapter must be one of ${Object.keys(ADAPTERS).join(', ')}`);
  if (entry.kind !== 'from-mapping') return { entry, kind: entry.kind, native: entry.native };
  if (options.mapping === undefined) throw new PushError('push.bad_options', `--adapter ${name} needs --mapping`);
  const spec = readMappingSpec(options.mapping);
  return { entry, kind: spec.kind, native: nativeSchemaOf(spec) };
}

/**
 * Pushes a partner file to the hub: streams its records (constant memory), maps each with the adapter,
 * runs the partner-side privacy gate (checkDocument), sends the clean documents in batches to the kind's
 * submit mutation and writes every refused row to the rejects report — row, column or JSON Pointer,
 * stage, code; never a value. Re-running is safe: the hub answers a document it already holds as
 * `replayed`, and a checkpoint next to the report lets a re-run skip the batches already acknowledged.
 */
export async function pushFile(options: PushOptions): Promise<PushSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new PushError('push.bad_options', `--batch must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  const dryRun = options.dryRun === true;
  if (!dryRun && options.tokens === undefined) throw new PushError('push.bad_options', 'a push needs --token or --party (or --dry-run)');
  const { entry, kind, native } = resolveAdapter(options.adapter, options.adapterOptions);
  const mapRow: RowMapper = entry.adapter.create(options.adapterOptions);
  const rejectsFile = options.rejectsFile ?? `${options.file}.rejects.csv`;
  const checkpointFile = `${rejectsFile}.checkpoint.json`;
  const useCheckpoint = !dryRun && options.checkpoint !== false;
  const progress = options.progress ?? silentProgress;

  const stat = await fs.stat(options.file);
  const identity = { adapter: options.adapter, endpoint: options.endpoint, file: { size: stat.size, mtimeMs: stat.mtimeMs } };
  let checkpoint = useCheckpoint ? await readCheckpoint(checkpointFile, identity) : undefined;
  // The report must be exactly as the checkpoint left it (a dry run or an editor may have rewritten it);
  // otherwise start over, which the hub's idempotency makes safe.
  if (checkpoint !== undefined && !sameFile(await fileStat(rejectsFile), checkpoint.rejects)) checkpoint = undefined;
  // A dry run leaves a real push's checkpoint alone; its own report then invalidates it (see above).
  if (useCheckpoint && checkpoint === undefined) await removeCheckpoint(checkpointFile);

  const counts: PushCounts = checkpoint?.counts ? { ...checkpoint.counts } : { read: 0, accepted: 0, replayed: 0, rejected: 0, conflicts: 0 };
  const skipThrough = checkpoint?.rowsDone ?? 0;
  const rejectCodes = new Map<string, number>(Object.entries(checkpoint?.rejectCodes ?? {}));
  const report = await RejectsReport.open(rejectsFile, checkpoint === undefined ? {} : { resumeAt: checkpoint.rejects.size });
  const source = await openRecordSource(options.file, entry.input, {
    requiredColumns: requiredColumns(native),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  let pending: PendingDocument[] = [];
  let pendingRejects: RejectLine[] = [];
  let lastRow = skipThrough;
  let batches = 0;
  let retries = 0;
  let interrupted = false;
  let retrying: string | undefined;
  const state = () => ({
    bytesRead: source.bytesRead(),
    totalBytes: source.totalBytes,
    rows: counts.read,
    accepted: counts.accepted + counts.replayed,
    rejected: counts.rejected + counts.conflicts,
    ...(retrying ? { retrying } : {}),
  });

  const rejectRow = (lines: RejectLine[]) => {
    counts.rejected += 1;
    for (const code of new Set(lines.map((line) => line.code))) rejectCodes.set(code, (rejectCodes.get(code) ?? 0) + 1);
    pendingRejects.push(...lines);
  };
  const documentLines = (row: number, stage: 'check' | 'hub', errors: readonly DocumentErrorShape[]): RejectLine[] =>
    errors.map((error) => ({ row, stage, column: columnForPointer(native, error.path) ?? '', pointer: error.path, code: error.code, message: error.message }));

  const send = async (documents: PendingDocument[]): Promise<ItemResult[]> => {
    try {
      return await (options.transport === 'bulk' ? submitBulkBatch : submitBatch)(
        kind,
        documents.map((item) => item.document),
        {
          endpoint: options.endpoint,
          tokens: options.tokens!,
          retry: options.retry ?? DEFAULT_RETRY_POLICY,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          onRetry: ({ delayMs, reason }) => {
            retries += 1;
            retrying = `${reason}, next try in ${Math.ceil(delayMs / 1000)} s`;
            progress.update(state());
          },
        },
        documents[0]?.version,
      );
    } catch (error) {
      // The hub's limit is lower than ours: send the same documents in parts it accepts.
      if (!(error instanceof BatchTooLargeError) || documents.length <= 1) throw error;
      const part = Math.max(1, Math.min(error.limit, documents.length - 1));
      const results: ItemResult[] = [];
      for (let start = 0; start < documents.length; start += part) {
        const answered = await send(documents.slice(start, start + part));
        results.push(...answered.map((result) => ({ ...result, index: result.index + start })));
      }
      return results;
    } finally {
      retrying = undefined;
    }
  };

  // Settles everything read so far: sends the pending documents, writes their rejects together with the
  // rows rejected locally in between (in row order), then moves the checkpoint past the last row read.
  const settle = async () => {
    const sending = pending.length > 0 && !dryRun;
    if (sending) {
      const batch = pending;
      const results = await send(batch);
      batches += 1;
      for (const result of results) {
        const row = batch[result.index]!.row;
        if (result.type === 'accepted') {
          if (result.replayed) counts.replayed += 1;
          else counts.accepted += 1;
        } else if (result.type === 'rejected') {
          rejectRow(documentLines(row, 'hub', result.errors));
        } else {
          counts.conflicts += 1;
          rejectCodes.set(result.code, (rejectCodes.get(result.code) ?? 0) + 1);
          pendingRejects.push({
            row,
            stage: 'hub',
            column: columnForPointer(native, '/externalRef') ?? '',
            pointer: '/externalRef',
            code: result.code,
            message: result.message,
          });
        }
      }
    } else if (pending.length > 0) {
      // A dry run counts what would have been sent as accepted.
      counts.accepted += pending.length;
    }
    pending = [];
    await report.append(pendingRejects.sort((a, b) => a.row - b.row));
    pendingRejects = [];
    if (useCheckpoint && lastRow > skipThrough) {
      await report.sync();
      const written = await fileStat(rejectsFile);
      await writeCheckpoint(checkpointFile, {
        version: 1,
        ...identity,
        rowsDone: lastRow,
        rejects: { size: report.bytes, mtimeMs: written?.mtimeMs ?? 0 },
        counts: { ...counts },
        rejectCodes: Object.fromEntries(rejectCodes),
      });
    }
    if (sending) await options.onBatchAcknowledged?.({ batch: batches, rowsDone: lastRow });
    progress.update(state());
  };

  try {
    for await (const item of source.records) {
      const row = item.row;
      if (options.signal?.aborted) break;
      if (row <= skipThrough) continue;
      counts.read += 1;
      const previousRow = lastRow;
      lastRow = row;
      if (item.record === undefined) {
        rejectRow([{ row, stage: 'read', column: '', pointer: '', code: 'push.bad_record', message: item.problem }]);
      } else {
        const mapped = mapRow(item.record, row);
        if (!mapped.ok) {
          rejectRow(
            mapped.errors.map((error: AdapterError) => ({
              row,
              stage: 'adapter',
              column: error.column,
              pointer: '',
              code: error.code,
              message: error.message,
            })),
          );
        } else {
          const version = mapped.version ?? DEFAULT_DOCUMENT_VERSION;
          const errors = checkDocument(kind, mapped.document, { version });
          if (errors.length > 0) rejectRow(documentLines(row, 'check', errors));
          else {
            // A batch is one version (the hub reads it as one): a row of another version closes the batch.
            // The checkpoint then covers the rows before this one only.
            if (pending.length > 0 && pending[0]!.version !== version) {
              lastRow = previousRow;
              await settle();
              lastRow = row;
            }
            pending.push({ row, document: mapped.document, version });
          }
        }
      }
      if (pending.length >= batchSize || pendingRejects.length >= MAX_PENDING_REJECTS) await settle();
      else if (counts.read % 200 === 0) progress.update(state());
    }
    if (options.signal?.aborted) interrupted = true;
    else await settle();
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    interrupted = true;
  } finally {
    progress.stop(state());
    await report.close();
  }
  // A finished push needs no checkpoint: a re-run sends everything again and the hub replays it.
  if (!interrupted && useCheckpoint) await removeCheckpoint(checkpointFile);
  // Counts include the rows an earlier, interrupted run settled (from its checkpoint).
  return {
    adapter: options.adapter,
    kind,
    dryRun,
    resumedAfterRow: skipThrough,
    batches,
    retries,
    interrupted,
    rejectsFile,
    ...counts,
    rejectCodes: Object.fromEntries([...rejectCodes].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Size and modification time of a file, or undefined when it does not exist. */
async function fileStat(file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const { size, mtimeMs } = await fs.stat(file);
    return { size, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sameFile(actual: { size: number; mtimeMs: number } | undefined, expected: { size: number; mtimeMs: number }): boolean {
  return actual !== undefined && actual.size === expected.size && actual.mtimeMs === expected.mtimeMs;
}
