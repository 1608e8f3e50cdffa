import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isDocumentKind } from '../documents/document-kinds.ts';
import { DEFAULT_DOCUMENT_VERSION, versionRefusal } from '../documents/document-versions.ts';
import { isDatabaseReachable } from '../db/client.ts';
import type { Db } from '../db/database.ts';
import type { Principal, TokenVerifier } from '../server/auth.ts';
import { requirePartyBearer } from '../server/bearer.ts';
import { badRequestAnswer, forbiddenAnswer, methodNotAllowedAnswer, notFoundAnswer, sendAnswer, unavailableAnswer } from '../server/http-answers.ts';
import { safeErrorSummary } from '../server/logger.ts';
import type { HubMetrics } from '../server/metrics.ts';
import { findUnstorable, UNSTORABLE_MESSAGES } from '../server/storable-values.ts';
import { ingestDocuments, SUBMITTER_ROLE, type IngestContext, type ItemResult } from '../submissions/submissions.service.ts';

/** Documents stored per transaction: big enough to amortise round trips, small enough to keep memory flat. */
export const BULK_CHUNK = 1000;
/** A document line longer than this is refused without being parsed. */
export const MAX_LINE_BYTES = 64 * 1024;

export interface BulkDeps {
  ingest: IngestContext;
  /** The serving role's connections for the uploading party. */
  sessionFor: (principal: Principal) => Db;
  verifier: TokenVerifier;
  logger: Logger;
  metrics: HubMetrics;
}

/** One NDJSON line of the answer: a row's result (1-based line numbers of the upload), or the summary. */
type BulkLine =
  | ({ line: number } & Omit<Extract<ItemResult, { status: 'accepted' }>, 'index'>)
  | ({ line: number } & Omit<Extract<ItemResult, { status: 'rejected' }>, 'index'>)
  | ({ line: number } & Omit<Extract<ItemResult, { status: 'conflict' }>, 'index'>);

/**
 * `POST /bulk/<kind>` (version 1) or `POST /bulk/<kind>.v<n>` with an NDJSON body (one standard document per line): the path for files too large for
 * GraphQL batches. The body is read as it arrives and stored in chunks of 1,000 documents, each chunk one
 * transaction with exactly the guarantees of the GraphQL mutations (validation, privacy gate, idempotency,
 * nothing half-stored per document). The answer streams back as NDJSON, one line per row as its chunk
 * commits, then `{"summary": …}`. Reading waits for each chunk to commit, so memory stays flat whatever the
 * file's size. Clients must read the answer while they send (full duplex); a client that cannot simply
 * re-sends after a failure: every row is idempotent.
 */
export async function handleBulkIngest(req: IncomingMessage, res: ServerResponse, deps: BulkDeps): Promise<void> {
  const route = /^\/bulk\/([a-z]+)(?:\.v(\d{1,4}))?$/.exec(new URL(req.url ?? '/', 'http://hub').pathname);
  const kind = route?.[1];
  const version = route?.[2] === undefined ? DEFAULT_DOCUMENT_VERSION : Number(route[2]);
  if (req.method !== 'POST') return sendAnswer(res, methodNotAllowedAnswer('bulk.method', 'bulk upload must be a POST', 'POST'));
  if (kind === undefined || !isDocumentKind(kind)) {
    return sendAnswer(
      res,
      notFoundAnswer('bulk.unknown_kind', 'path must be /bulk/tradein, /bulk/inspection, /bulk/disposition or /bulk/catalogue, optionally with .v<version>'),
    );
  }
  // The version is the upload's, as a GraphQL batch's: refused as a whole, before the body is read.
  const refusal = versionRefusal(kind, version, deps.ingest.now());
  if (refusal !== undefined) return sendAnswer(res, badRequestAnswer(refusal.code, refusal.message));
  // The same bearer check and answers as /graphql (src/server/bearer.ts).
  const caller = await requirePartyBearer(req.headers.authorization, deps.verifier, deps.logger);
  if ('answer' in caller) return sendAnswer(res, caller.answer);
  const principal = caller.party;
  if (principal.role !== SUBMITTER_ROLE[kind]) {
    return sendAnswer(res, forbiddenAnswer('forbidden.role', `${kind} documents must be submitted by a ${SUBMITTER_ROLE[kind]}`));
  }
  // A token verified from the cache says nothing about the database: check it answers before committing to 200.
  if (!(await isDatabaseReachable(deps.ingest.db))) return sendAnswer(res, unavailableAnswer());

  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  const submitter = { partyId: principal.partyId, role: principal.role };
  const ingest = { ...deps.ingest, db: deps.sessionFor(principal) };
  const totals = { lines: 0, accepted: 0, rejected: 0, conflicts: 0 };
  let chunk: { line: number; document: unknown }[] = [];
  const rejectedEarly: BulkLine[] = [];

  const write = async (text: string) => {
    if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
  };
  const flush = async () => {
    const lines: BulkLine[] = [...rejectedEarly];
    rejectedEarly.length = 0;
    if (chunk.length > 0) {
      const results = await ingestDocuments(
        ingest,
        submitter,
        kind,
        chunk.map((c) => c.document),
        'bulk',
        version,
      );
      results.forEach((result, i) => {
        const { index: _index, ...rest } = result;
        lines.push({ line: chunk[i]!.line, ...rest } as BulkLine);
        deps.metrics.documents.inc({ kind, outcome: result.status });
      });
      chunk = [];
    }
    lines.sort((a, b) => a.line - b.line);
    for (const line of lines) {
      if (line.status === 'accepted') totals.accepted++;
      else if (line.status === 'rejected') totals.rejected++;
      else totals.conflicts++;
    }
    if (lines.length > 0) await write(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  };
  let physicalLine = 0;
  const take = (text: string) => {
    // Line numbers are the file's own, so a rejects report points at the right row; blank lines get no result.
    const line = ++physicalLine;
    if (text.trim() === '') return;
    totals.lines++;
    // A UTF-16 unit is at most 3 UTF-8 bytes: only a long line needs counting.
    if (text.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(text) > MAX_LINE_BYTES) {
      rejectedEarly.push({
        line,
        status: 'rejected',
        errors: [{ path: '', code: 'bulk.line_too_long', message: `line must be at most ${MAX_LINE_BYTES} bytes` }],
      });
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      rejectedEarly.push({ line, status: 'rejected', errors: [{ path: '', code: 'bulk.invalid_json', message: 'line must be one JSON document' }] });
      return;
    }
    // What PostgreSQL cannot store (NUL, lone surrogates …) is refused here, as GraphQL refuses it.
    const unstorable = findUnstorable(document);
    if (unstorable !== undefined) {
      rejectedEarly.push({
        line,
        status: 'rejected',
        errors: [{ path: '', code: `input.${unstorable}`, message: `document ${UNSTORABLE_MESSAGES[unstorable]}` }],
      });
      return;
    }
    chunk.push({ line, document });
  };

  let pending = '';
  try {
    req.setEncoding('utf8');
    for await (const piece of req as AsyncIterable<string>) {
      // Lines are cut out of the piece by position: the unfinished tail is the only string carried over, so
      // a body is not re-copied once per line.
      const text = pending === '' ? piece : pending + piece;
      let start = 0;
      let newline: number;
      while ((newline = text.indexOf('\n', start)) !== -1) {
        take(text.slice(start, newline));
        start = newline + 1;
        if (chunk.length >= BULK_CHUNK) await flush();
      }
      pending = start === 0 ? text : text.slice(start);
      // A line without its newline yet that is already too long is refused without holding it in memory.
      if (Buffer.byteLength(pending) > MAX_LINE_BYTES * 2) {
        take(pending);
        pending = '';
      }
    }
    if (pending !== '') take(pending);
    await flush();
    await write(`${JSON.stringify({ summary: totals })}\n`);
    res.end();
    deps.logger.info({ event: 'bulk.done', kind, party: submitter.partyId, ...totals }, 'bulk upload done');
  } catch (error) {
    // What committed stays committed; the client re-sends from the first line without a result.
    deps.logger.error({ event: 'bulk.aborted', kind, party: submitter.partyId, lines: totals.lines, err: safeErrorSummary(error) }, 'bulk upload aborted');
    if (!res.writableEnded && !res.destroyed) {
      res.end(
        `${JSON.stringify({ error: { code: 'bulk.aborted', message: 'upload must be re-sent from the first line without a result' }, summary: totals })}\n`,
      );
    }
  }
}
