import { BulkUploadError, uploadBulk, type BulkRowResult } from '../bulk/bulk-client.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import type { HubClientOptions, ItemResult } from './hub-client.ts';
import { PushError } from './push-error.ts';
import { isRetryableStatus, retryDelayMs, sleep } from './retry-policy.ts';

// The hub's answer for a reused key (SubmissionConflict in GraphQL); the bulk answer names no code for it.
const CONFLICT = { code: 'idempotency.conflict', message: 'externalRef must not be reused for a different document' };

/**
 * Sends one batch as NDJSON to `POST <hub>/bulk/<kind>` (`/bulk/<kind>.v<n>` for a version other than the
 * kind's first; the hub's origin is the GraphQL endpoint's) and returns one result per document, in order — the same answers as submitBatch, through the hub's bulk path,
 * which skips GraphQL's parsing and per-result resolution. Retries like submitBatch: network errors and
 * HTTP 5xx/408/429 with backoff (the hub is idempotent per document), a 401 once with a fresh token.
 */
export async function submitBulkBatch(kind: DocumentKind, documents: readonly unknown[], options: HubClientOptions, version?: number): Promise<ItemResult[]> {
  const hubUrl = new URL(options.endpoint).origin;
  let renewed = false;
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    const rows: BulkRowResult[] = [];
    try {
      await uploadBulk({
        hubUrl,
        token: await options.tokens.token(),
        kind,
        ...(version === undefined ? {} : { version }),
        lines: documents.map((document) => JSON.stringify(document)),
        onResult: (row) => rows.push(row),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return resultsOf(rows, documents.length);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const status = error instanceof BulkUploadError ? error.status : 0;
      if (status === 401 && !renewed && (await options.tokens.renew())) {
        renewed = true;
        attempt -= 1;
        continue;
      }
      if (status === 401) throw new PushError('push.unauthenticated', `the hub refused the token (${(error as BulkUploadError).code})`);
      if (status === 403)
        throw new PushError('push.forbidden', `the hub refused the batch (${(error as BulkUploadError).code}): ${(error as BulkUploadError).message}`);
      if (error instanceof PushError || (status !== 0 && status !== 200 && !isRetryableStatus(status))) {
        throw error instanceof PushError ? error : new PushError('push.http_error', `the hub answered HTTP ${status}`);
      }
      if (attempt >= options.retry.attempts) {
        throw new PushError(
          'push.retries_exhausted',
          `the hub did not accept the batch after ${attempt} tries (last: ${error instanceof Error ? error.message : 'error'})`,
        );
      }
      const delayMs = retryDelayMs(attempt, options.retry, undefined);
      options.onRetry?.({ attempt, delayMs, reason: status === 0 ? 'network error' : `HTTP ${status}` });
      await sleep(delayMs, options.signal);
    }
  }
}

/** The bulk answer's rows (1-based lines, one per document sent) as submitBatch's results. */
function resultsOf(rows: readonly BulkRowResult[], count: number): ItemResult[] {
  if (rows.length !== count) throw new PushError('push.bad_response', 'the hub must answer one result per document');
  return rows.map((row): ItemResult => {
    const index = row.line - 1;
    if (row.status === 'accepted') return { type: 'accepted', index, replayed: row.replayed === true, ticket: row.ticket ?? null };
    if (row.status === 'rejected') return { type: 'rejected', index, errors: row.errors ?? [] };
    return { type: 'conflict', index, ...CONFLICT };
  });
}
