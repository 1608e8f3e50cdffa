import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError, type Principal, type TokenVerifier } from './auth.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The principal of a plain Node request (the routes that bypass yoga), or undefined after answering 401
 * with the typed reason, as yoga's routes do.
 */
export async function authenticateNodeRequest(req: IncomingMessage, res: ServerResponse, verifier: TokenVerifier): Promise<Principal | undefined> {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.headers.authorization ?? '');
  try {
    if (match === null) throw new AuthError('token_malformed', 'authorization header must be "Bearer <token>"');
    return await verifier.verify(match[1]!);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    sendJson(res, 401, { error: { code: 'UNAUTHENTICATED', reason: error.code, message: error.message } }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${error.code}"` });
    return undefined;
  }
}
