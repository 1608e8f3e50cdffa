import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleBulkIngest, type BulkDeps } from '../bulk/bulk-ingest.handler.ts';
import { handleStatementExport, type StatementExportDeps } from '../ledger/statement-export.handler.ts';
import { safeErrorSummary } from './logger.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The HTTP entry: `/bulk/<kind>` goes to the streaming bulk handler, which needs the raw Node stream for
 * full-duplex NDJSON; `/statements/<period>.csv|json` streams a platform's payout statement; everything else (GraphQL, health, metrics) goes to yoga.
 */
export function createHttpHandler(yoga: NodeHandler, bulk: BulkDeps, statements: StatementExportDeps): NodeHandler {
  return (req, res) => {
    if (req.url?.startsWith('/statements/')) {
      handleStatementExport(req, res, statements).catch((error: unknown) => {
        bulk.logger.error({ event: 'statement_export.failed', err: safeErrorSummary(error) }, 'statement export failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'unexpected error' } }));
      });
      return;
    }
    if (req.url?.startsWith('/bulk/')) {
      handleBulkIngest(req, res, bulk).catch((error: unknown) => {
        bulk.logger.error({ event: 'bulk.failed', err: safeErrorSummary(error) }, 'bulk handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'unexpected error' } }));
      });
      return;
    }
    yoga(req, res);
  };
}
