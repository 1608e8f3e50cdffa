import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/database.ts';
import type { TokenVerifier } from '../server/auth.ts';
import { authenticateNodeRequest, sendJson } from '../server/node-bearer.ts';
import { isPeriod } from './periods.ts';
import { allStatementLines, findStatement } from './statements.ts';

export interface StatementExportDeps {
  db: Db;
  /** The hub secret: the vault's pseudonyms are opened for the platform they belong to. */
  secret: Buffer;
  verifier: TokenVerifier;
}

const PATH = /^\/statements\/(\d{4}-\d{2})\.(csv|json)$/;

/**
 * `GET /statements/<YYYY-MM>.csv|json` with a platform's token: the platform's statement for a closed
 * period, every line (subject ref → fen paid), streamed a page at a time so a statement of millions of
 * users never sits in memory. An operator may name the platform with `?platform=`.
 */
export async function handleStatementExport(req: IncomingMessage, res: ServerResponse, deps: StatementExportDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const match = PATH.exec(url.pathname);
  if (req.method !== 'GET') return sendJson(res, 405, { error: { code: 'statement.method', message: 'statements are fetched with GET' } }, { allow: 'GET' });
  if (match === null || !isPeriod(match[1]!)) {
    return sendJson(res, 404, { error: { code: 'statement.path', message: 'path must be /statements/<YYYY-MM>.csv or /statements/<YYYY-MM>.json' } });
  }
  const principal = await authenticateNodeRequest(req, res, deps.verifier);
  if (principal === undefined) return;
  const period = match[1]!;
  const format = match[2] as 'csv' | 'json';
  let platformId: string;
  if (principal.kind === 'party' && principal.role === 'platform') platformId = principal.partyId;
  else if (principal.kind === 'party' && principal.role === 'operator' && url.searchParams.get('platform')) platformId = url.searchParams.get('platform')!;
  else return sendJson(res, 403, { error: { code: 'forbidden.role', message: 'statements are fetched by their platform (or an operator naming ?platform=)' } });

  const statement = await findStatement(deps.db, period, platformId);
  if (statement === undefined) return sendJson(res, 404, { error: { code: 'statement.not_found', message: `there is no statement for ${platformId} in ${period}` } });

  res.writeHead(200, {
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="statement-${platformId}-${period}.${format}"`,
    'cache-control': 'no-store',
  });
  const write = async (text: string) => {
    if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
  };
  if (format === 'csv') {
    // Subject refs are base64url pseudonyms and amounts integers: nothing here needs quoting.
    await write('subject_ref,amount_fen\n');
    for await (const line of allStatementLines(deps.db, deps.secret, period, platformId)) await write(`${line.subjectRef},${line.amountFen}\n`);
  } else {
    const { period: p, platformId: id, subjects, totalFen, issuedAt, confirmedAt } = statement;
    await write(`{"period":${JSON.stringify(p)},"platformId":${JSON.stringify(id)},"subjects":${subjects},"totalFen":${totalFen},`
      + `"issuedAt":${JSON.stringify(issuedAt)},"confirmedAt":${JSON.stringify(confirmedAt)},"lines":[`);
    let first = true;
    for await (const line of allStatementLines(deps.db, deps.secret, period, platformId)) {
      await write(`${first ? '' : ','}${JSON.stringify(line)}`);
      first = false;
    }
    await write(']}\n');
  }
  res.end();
}
