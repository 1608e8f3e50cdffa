import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { handleBulkIngest, type BulkDeps } from '../bulk/bulk-ingest.handler.ts';
import { handleStatementExport, type StatementExportDeps } from '../ledger/statement-export.handler.ts';
import { safeErrorSummary } from './logger.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;
type AsyncNodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The HTTP entry. Two routes need the raw Node stream and bypass yoga: `/bulk/<kind>` (full-duplex NDJSON
 * upload) and `/statements/<period>.csv|json` (a payout statement streamed a page at a time); everything
 * else (GraphQL, health, metrics) goes to yoga.
 */
export function createHttpHandler(yoga: NodeHandler, bulk: BulkDeps, statements: StatementExportDeps): NodeHandler {
  const streamed: { prefix: string; event: string; handle: AsyncNodeHandler }[] = [
    { prefix: '/bulk/', event: 'bulk.failed', handle: (req, res) => handleBulkIngest(req, res, bulk) },
    { prefix: '/statements/', event: 'statement_export.failed', handle: (req, res) => handleStatementExport(req, res, statements) },
  ];
  return (req, res) => {
    const route = streamed.find((candidate) => req.url?.startsWith(candidate.prefix));
    if (route === undefined) return yoga(req, res);
    route.handle(req, res).catch((error: unknown) => answerUnexpected(res, bulk.logger, route.event, error));
  };
}

/** A failure nobody expected: logged without the request's content, answered 500 if nothing was sent yet. */
function answerUnexpected(res: ServerResponse, logger: Logger, event: string, error: unknown): void {
  logger.error({ event, err: safeErrorSummary(error) }, 'streamed route failed');
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: 'internal', message: 'unexpected error' } }));
}
