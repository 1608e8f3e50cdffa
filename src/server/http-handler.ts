import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { handleBulkIngest, type BulkDeps } from '../bulk/bulk-ingest.handler.ts';
import { isDatabaseReachable } from '../db/client.ts';
import type { Db } from '../db/database.ts';
import { handleStatementExport, type StatementExportDeps } from '../ledger/statement-export.handler.ts';
import { internalErrorAnswer, sendAnswer, unavailableAnswer } from './http-answers.ts';
import { safeErrorSummary } from './logger.ts';
import type { HubMetrics } from './metrics.ts';
import { recordRequest } from './request-log.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;
type AsyncNodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpEntryDeps {
  db: Db;
  logger: Logger;
  metrics: HubMetrics;
  bulk: BulkDeps;
  statements: StatementExportDeps;
}

/**
 * The HTTP entry. Two routes need the raw Node stream and bypass yoga: `/bulk/<kind>` (full-duplex NDJSON
 * upload) and `/statements/<period>.csv|json` (a payout statement streamed a page at a time); everything
 * else (GraphQL, health, metrics) goes to yoga. The streamed routes keep yoga's contract: the same bearer
 * check and failure answers (bearer.ts, http-answers.ts), a request log line and the metrics by route, and
 * 503 with a retry hint — not 500 — when a failure comes from the database being down.
 */
export function createHttpHandler(yoga: NodeHandler, deps: HttpEntryDeps): NodeHandler {
  const streamed: { prefix: string; event: string; handle: AsyncNodeHandler }[] = [
    { prefix: '/bulk/', event: 'bulk.failed', handle: (req, res) => handleBulkIngest(req, res, deps.bulk) },
    { prefix: '/statements/', event: 'statement_export.failed', handle: (req, res) => handleStatementExport(req, res, deps.statements) },
  ];
  return (req, res) => {
    const route = streamed.find((candidate) => req.url?.startsWith(candidate.prefix));
    if (route === undefined) return yoga(req, res);
    const startedMs = performance.now();
    res.once('close', () =>
      recordRequest(deps.logger, deps.metrics, {
        method: req.method ?? 'GET',
        pathname: route.prefix,
        status: res.statusCode,
        startedMs,
      }),
    );
    route.handle(req, res).catch((error: unknown) => answerUnexpected(res, deps, route.event, error));
  };
}

/**
 * A failure the route did not answer itself: logged without the request's content; answered 503 with a
 * retry hint when the database is unreachable, else 500, if nothing was sent yet.
 */
async function answerUnexpected(res: ServerResponse, deps: HttpEntryDeps, event: string, error: unknown): Promise<void> {
  const reachable = await isDatabaseReachable(deps.db);
  deps.logger.error({ event, databaseReachable: reachable, err: safeErrorSummary(error) }, 'streamed route failed');
  if (res.headersSent) {
    res.end();
    return;
  }
  sendAnswer(res, reachable ? internalErrorAnswer() : unavailableAnswer());
}
