/** Why a call to the hub failed, in the terms a page can explain. */
export type HubFailure = { kind: 'unauthenticated'; reason: string } | { kind: 'unavailable'; status: number } | { kind: 'graphql'; messages: string[] };

export class HubRequestError extends Error {
  override readonly name = 'HubRequestError';
  constructor(readonly failure: HubFailure) {
    super(failure.kind === 'graphql' ? failure.messages.join('; ') : failure.kind);
  }
}

/**
 * POSTs one GraphQL operation to the hub this page came from, with the bearer token in the header (never
 * in the URL). A refused token (401) and GraphQL-level errors become HubRequestError; typed results
 * (union members such as AccessDenied) are data and are left to the caller.
 */
export async function hubGraphql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new HubRequestError({ kind: 'unavailable', status: 0 });
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { reason?: string } }[] } | null;
  if (response.status === 401) throw new HubRequestError({ kind: 'unauthenticated', reason: body?.errors?.[0]?.extensions?.reason ?? 'token_invalid' });
  if (body === null || (response.status >= 500 && body.data === undefined)) throw new HubRequestError({ kind: 'unavailable', status: response.status });
  if (body.errors !== undefined && body.errors.length > 0) throw new HubRequestError({ kind: 'graphql', messages: body.errors.map((e) => e.message) });
  if (body.data === undefined) throw new HubRequestError({ kind: 'unavailable', status: response.status });
  return body.data;
}

/** GETs a public JSON document of the hub (no token): the JWKS, the purposes' terms. */
export async function hubJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'omit', headers: { accept: 'application/json' } });
  if (!response.ok) throw new HubRequestError({ kind: 'unavailable', status: response.status });
  return (await response.json()) as T;
}
