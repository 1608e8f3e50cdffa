import type { ServerResponse } from 'node:http';

/**
 * One failure answer, the same on every route (GraphQL, /bulk, /statements): a status, headers, and a body
 * in GraphQL's error shape — `{"errors":[{"message":…,"extensions":{"code":…,"reason":…}}]}` — so a client
 * reads a refusal the same way wherever it came from. Messages are fixed sentences: never an input value.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function errorAnswer(status: number, extensions: { code: string; reason?: string }, message: string, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify({ errors: [{ message, extensions }] }) };
}

/** 401: no usable token. The reason is also in WWW-Authenticate (RFC 6750), for clients that read only headers. */
export function unauthenticatedAnswer(reason: string, message: string): HttpAnswer {
  return errorAnswer(401, { code: 'UNAUTHENTICATED', reason }, message, { 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` });
}

/** 403: a good token of a party whose role may not use this route. */
export function forbiddenAnswer(reason: string, message: string): HttpAnswer {
  return errorAnswer(403, { code: 'FORBIDDEN', reason }, message);
}

/** 503: the database cannot be reached; nothing was decided, the client retries after the hint. */
export function unavailableAnswer(): HttpAnswer {
  return errorAnswer(503, { code: 'UNAVAILABLE' }, 'the hub cannot reach its database right now; retry later', { 'retry-after': '5' });
}

export function notFoundAnswer(reason: string, message: string): HttpAnswer {
  return errorAnswer(404, { code: 'NOT_FOUND', reason }, message);
}

/** 400: the request names something the route refuses as a whole (a document version outside its window). */
export function badRequestAnswer(reason: string, message: string): HttpAnswer {
  return errorAnswer(400, { code: 'BAD_REQUEST', reason }, message);
}

export function methodNotAllowedAnswer(reason: string, message: string, allow: string): HttpAnswer {
  return errorAnswer(405, { code: 'METHOD_NOT_ALLOWED', reason }, message, { allow });
}

/** 500: a failure nobody expected, with the database up. Its cause is logged, never answered. */
export function internalErrorAnswer(): HttpAnswer {
  return errorAnswer(500, { code: 'INTERNAL' }, 'unexpected error');
}

/** Writes an answer on a plain Node response (the routes that bypass yoga). */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { ...answer.headers });
  res.end(answer.body);
}

/** The same answer as a fetch Response (yoga's routes); a fresh headers object each time, see yoga.ts. */
export function answerResponse(answer: HttpAnswer, fetchAPI: { Response: typeof Response }): Response {
  return new fetchAPI.Response(answer.body, { status: answer.status, headers: { ...answer.headers } });
}
