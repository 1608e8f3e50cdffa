import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Principal, TokenVerifier } from '../server/auth.ts';
import { requirePartyBearer } from '../server/bearer.ts';
import { forbiddenAnswer, methodNotAllowedAnswer, notFoundAnswer, sendAnswer } from '../server/http-answers.ts';
import { isPeriod } from './periods.ts';
import { allStatementLines, findStatement } from './statements.ts';
import { exportGreenPoints } from '../green/green-points-export.ts';

export interface StatementExportDeps {
  /** The serving role's connections for the caller: a platform sees its own statement, the operator any. */
  sessionFor: (principal: Principal) => Db;
  /** The hub secret: the vault's pseudonyms are opened for the platform they belong to. */
  secret: Buffer;
  verifier: TokenVerifier;
  logger: Logger;
}

const PATH = /^\/statements\/(\d{4}-\d{2})(\.green-points)?\.(csv|json)$/;
/** A party id as registered; anything else is no platform and never reaches the database. */
const PARTY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * `GET /statements/<YYYY-MM>.csv|json` with a platform's token: the platform's statement for a closed
 * period, every line (subject ref → fen paid), streamed a page at a time so a statement of millions of
 * users never sits in memory. An operator may name the platform with `?platform=`.
 * `GET /statements/<YYYY-MM>.green-points.csv|json`: the same platform's green points posted in the month
 * (src/green/green-points-export.ts), a file of its own so the payout file's columns stay as they were;
 * any month, open or closed, with or without a payout run.
 */
export async function handleStatementExport(req: IncomingMessage, res: ServerResponse, deps: StatementExportDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const match = PATH.exec(url.pathname);
  if (req.method !== 'GET') return sendAnswer(res, methodNotAllowedAnswer('statement.method', 'statements are fetched with GET', 'GET'));
  if (match === null || !isPeriod(match[1]!)) {
    return sendAnswer(
      res,
      notFoundAnswer('statement.path', 'path must be /statements/<YYYY-MM>.csv or .json, or /statements/<YYYY-MM>.green-points.csv or .json'),
    );
  }
  // The same bearer check and answers as /graphql (src/server/bearer.ts).
  const caller = await requirePartyBearer(req.headers.authorization, deps.verifier, deps.logger);
  if ('answer' in caller) return sendAnswer(res, caller.answer);
  const principal = caller.party;
  const period = match[1]!;
  const format = match[3] as 'csv' | 'json';
  const named = url.searchParams.get('platform');
  let platformId: string;
  if (principal.role === 'platform') platformId = principal.partyId;
  else if (principal.role === 'operator' && named !== null && PARTY_ID.test(named)) platformId = named;
  else return sendAnswer(res, forbiddenAnswer('forbidden.role', 'statements are fetched by their platform (or an operator naming ?platform=)'));

  // A database failure from here on is answered 503 by the HTTP entry (src/server/http-handler.ts).
  const db = deps.sessionFor(principal);
  if (match[2] !== undefined) return exportGreenPoints(res, { db, secret: deps.secret, platformId, period, format });
  const statement = await findStatement(db, period, platformId);
  if (statement === undefined) return sendAnswer(res, notFoundAnswer('statement.not_found', 'there is no statement for this platform and period'));

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
    for await (const line of allStatementLines(db, deps.secret, period, platformId)) await write(`${line.subjectRef},${line.amountFen}\n`);
  } else {
    const { period: p, platformId: id, subjects, totalFen, issuedAt, confirmedAt } = statement;
    await write(
      `{"period":${JSON.stringify(p)},"platformId":${JSON.stringify(id)},"subjects":${subjects},"totalFen":${totalFen},` +
        `"issuedAt":${JSON.stringify(issuedAt)},"confirmedAt":${JSON.stringify(confirmedAt)},"lines":[`,
    );
    let first = true;
    for await (const line of allStatementLines(db, deps.secret, period, platformId)) {
      await write(`${first ? '' : ','}${JSON.stringify(line)}`);
      first = false;
    }
    await write(']}\n');
  }
  res.end();
}
