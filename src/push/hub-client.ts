import type { DocumentKind } from '../documents/document-kinds.ts';
import { PushError } from './push-error.ts';
import { isRetryableStatus, retryDelayMs, sleep, type RetryPolicy } from './retry-policy.ts';
import type { TokenSource } from './token-source.ts';

/** A refused document's error as the hub reports it: JSON Pointer, rule code, message — never a value. */
export interface DocumentErrorShape {
  path: string;
  code: string;
  message: string;
}

/** The hub's per-document answer (SubmissionItemResult), as this client reads it. */
export type ItemResult =
  | { type: 'accepted'; index: number; replayed: boolean; ticket: string | null }
  | { type: 'rejected'; index: number; errors: DocumentErrorShape[] }
  | { type: 'conflict'; index: number; code: string; message: string };

/** The hub refused the batch for its size; the caller re-sends it in parts of at most `limit`. */
export class BatchTooLargeError extends Error {
  override readonly name = 'BatchTooLargeError';
  constructor(readonly limit: number) {
    super(`batch must hold at most ${limit} documents`);
  }
}

export interface HubClientOptions {
  endpoint: string;
  tokens: TokenSource;
  retry: RetryPolicy;
  signal?: AbortSignal;
  /** Per request; a hub that does not answer in time is retried like a network error. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Told before each wait, for the progress line. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

const MUTATIONS: Readonly<Record<DocumentKind, string>> = {
  tradein: 'submitTradeIns',
  inspection: 'submitInspections',
  disposition: 'submitDispositions',
  catalogue: 'submitCatalogueEntries',
  wipe_attestation: 'submitWipeAttestations',
};

function mutation(kind: DocumentKind): string {
  return `mutation Push($documents: [JSON!]!, $version: Int) {
  result: ${MUTATIONS[kind]}(documents: $documents, version: $version) {
    __typename
    ... on SubmissionBatch {
      results {
        __typename
        ... on SubmissionAccepted { index replayed ticket }
        ... on SubmissionRejected { index errors { path code message } }
        ... on SubmissionConflict { index code message }
      }
    }
    ... on BatchTooLarge { limit }
    ... on HubError { code message }
  }
}`;
}

class RetryableError extends Error {
  constructor(
    reason: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(reason);
  }
}

// GraphQL errors that a retry cannot fix: the request itself does not fit the hub's schema.
const PERMANENT_GRAPHQL_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

/**
 * Sends one batch (of one document version; the kind's first when omitted) to the kind's submit mutation and returns one result per document, in order. Network
 * errors, timeouts, HTTP 5xx/408/429 and masked server errors are retried with exponential backoff —
 * safe because the hub is idempotent on each document's externalRef, so a batch that did commit before
 * the connection dropped is answered as `replayed`. A 401 is retried once with a fresh token when the
 * source can mint one; other 4xx and the hub's typed refusals stop the push.
 */
export async function submitBatch(kind: DocumentKind, documents: readonly unknown[], options: HubClientOptions, version?: number): Promise<ItemResult[]> {
  const body = JSON.stringify({ query: mutation(kind), variables: { documents, ...(version === undefined ? {} : { version }) } });
  let renewed = false;
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      return await sendOnce(body, documents.length, options);
    } catch (error) {
      if (error instanceof UnauthenticatedResponse && !renewed && (await options.tokens.renew())) {
        renewed = true;
        attempt -= 1;
        continue;
      }
      if (error instanceof UnauthenticatedResponse) throw new PushError('push.unauthenticated', `the hub refused the token (${error.reason})`);
      if (!(error instanceof RetryableError) || options.signal?.aborted) throw error;
      if (attempt >= options.retry.attempts) {
        throw new PushError('push.retries_exhausted', `the hub did not accept the batch after ${attempt} tries (last: ${error.message})`);
      }
      const delayMs = retryDelayMs(attempt, options.retry, error.retryAfterSeconds);
      options.onRetry?.({ attempt, delayMs, reason: error.message });
      await sleep(delayMs, options.signal);
    }
  }
}

class UnauthenticatedResponse extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

async function sendOnce(body: string, count: number, options: HubClientOptions): Promise<ItemResult[]> {
  const token = await options.tokens.token();
  const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 120_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body,
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = timeout.aborted
      ? 'timed out'
      : `network error${error instanceof Error && 'cause' in error && error.cause instanceof Error && 'code' in error.cause ? ` ${String(error.cause.code)}` : ''}`;
    throw new RetryableError(reason);
  }
  if (response.status === 401) throw new UnauthenticatedResponse(unauthenticatedReason(text, response.headers.get('www-authenticate')));
  if (response.status === 413) throw new BatchTooLargeError(Math.max(1, Math.floor(count / 2)));
  if (isRetryableStatus(response.status)) {
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new RetryableError(`HTTP ${response.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  let payload: { data?: { result?: Record<string, unknown> } | null; errors?: { extensions?: { code?: string } }[] };
  try {
    payload = JSON.parse(text);
  } catch {
    if (response.ok) throw new RetryableError('unreadable response');
    throw new PushError('push.http_error', `the hub answered HTTP ${response.status}`);
  }
  const result = payload.data?.result;
  if (result === undefined || result === null) {
    const codes = (payload.errors ?? []).map((error) => error.extensions?.code).filter((code): code is string => typeof code === 'string');
    if (!response.ok || codes.some((code) => PERMANENT_GRAPHQL_CODES.has(code))) {
      throw new PushError('push.http_error', `the hub answered HTTP ${response.status}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`);
    }
    // A masked unexpected error (a database hiccup): the hub is idempotent, so try again.
    throw new RetryableError('server error');
  }
  return readBatch(result, count);
}

/** The hub's reason code for a 401: from the body, else from the WWW-Authenticate header. */
function unauthenticatedReason(text: string, challenge: string | null): string {
  const safe = (reason: unknown) => (typeof reason === 'string' && /^[a-z_.]{1,64}$/.test(reason) ? reason : undefined);
  let fromBody: string | undefined;
  try {
    fromBody = safe((JSON.parse(text) as { errors?: { extensions?: { reason?: unknown } }[] }).errors?.[0]?.extensions?.reason);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return fromBody ?? safe(/error_description="([^"]*)"/.exec(challenge ?? '')?.[1]) ?? 'unauthenticated';
}

function readBatch(result: Record<string, unknown>, count: number): ItemResult[] {
  switch (result.__typename) {
    case 'SubmissionBatch':
      break;
    case 'BatchTooLarge':
      throw new BatchTooLargeError(Number(result.limit));
    case 'Unauthenticated':
      throw new PushError('push.unauthenticated', 'the hub needs a token (use --token or --party)');
    case 'Forbidden':
      throw new PushError('push.forbidden', `the hub refused the batch (${String(result.code)}): ${String(result.message)}`);
    default:
      throw new PushError('push.bad_response', `the hub answered with an unexpected ${String(result.__typename)}`);
  }
  const items = result.results;
  if (!Array.isArray(items) || items.length !== count) throw new PushError('push.bad_response', 'the hub must answer one result per document');
  return items.map((item: Record<string, unknown>, position): ItemResult => {
    const index = typeof item.index === 'number' ? item.index : position;
    switch (item.__typename) {
      case 'SubmissionAccepted':
        return { type: 'accepted', index, replayed: item.replayed === true, ticket: typeof item.ticket === 'string' ? item.ticket : null };
      case 'SubmissionRejected':
        return { type: 'rejected', index, errors: Array.isArray(item.errors) ? (item.errors as DocumentErrorShape[]) : [] };
      case 'SubmissionConflict':
        return { type: 'conflict', index, code: String(item.code), message: String(item.message) };
      default:
        throw new PushError('push.bad_response', `the hub answered with an unexpected ${String(item.__typename)}`);
    }
  });
}
