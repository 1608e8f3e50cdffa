import type { Logger } from 'pino';
import { AuthError, type Principal, type TokenVerifier } from './auth.ts';
import { unauthenticatedAnswer, unavailableAnswer, type HttpAnswer } from './http-answers.ts';
import { safeErrorSummary } from './logger.ts';

/**
 * `Authorization: Bearer <token>`. Auth schemes are case-insensitive (RFC 9110 §11.1), so `bearer` and
 * `BEARER` are the same scheme; the token is a token68 and nothing may follow it.
 */
const BEARER = /^bearer +([A-Za-z0-9._~+/=-]+)$/i;

/** What one request's Authorization header amounts to. */
export type BearerOutcome =
  { readonly kind: 'anonymous' } | { readonly kind: 'verified'; readonly principal: Principal } | { readonly kind: 'refused'; readonly answer: HttpAnswer };

/**
 * The one bearer check every route uses (GraphQL, /bulk, /statements). No header is anonymous (each route
 * decides whether that is enough); a header that is not a verifiable token is refused with 401 and its
 * typed reason, never treated as anonymous; a token that cannot be checked because the keys cannot be
 * read (the database is down) is neither good nor bad yet: 503 with a retry hint.
 */
export async function checkBearer(header: string | null | undefined, verifier: TokenVerifier, logger: Logger): Promise<BearerOutcome> {
  if (header === null || header === undefined) return { kind: 'anonymous' };
  try {
    const match = BEARER.exec(header);
    if (match === null) throw new AuthError('token_malformed', 'authorization header must be "Bearer <token>"');
    return { kind: 'verified', principal: await verifier.verify(match[1]!) };
  } catch (error) {
    if (error instanceof AuthError) {
      logger.info({ event: 'auth.refused', reason: error.code }, 'token refused');
      return { kind: 'refused', answer: unauthenticatedAnswer(error.code, error.message) };
    }
    logger.error({ event: 'auth.unavailable', err: safeErrorSummary(error) }, 'token could not be checked');
    return { kind: 'refused', answer: unavailableAnswer() };
  }
}

/**
 * For routes that need a party (/bulk, /statements): the party, or the answer that refuses the request —
 * 401 `token_missing` without a token, 401 `user_token_as_party` for a user token (as GraphQL's token-kind
 * guard answers), the bearer check's own 401/503 otherwise.
 */
export async function requirePartyBearer(
  header: string | null | undefined,
  verifier: TokenVerifier,
  logger: Logger,
): Promise<{ party: Extract<Principal, { kind: 'party' }> } | { answer: HttpAnswer }> {
  const outcome = await checkBearer(header, verifier, logger);
  if (outcome.kind === 'refused') return { answer: outcome.answer };
  if (outcome.kind === 'anonymous') {
    logger.info({ event: 'auth.refused', reason: 'token_missing' }, 'token refused');
    return { answer: unauthenticatedAnswer('token_missing', 'request must carry "Authorization: Bearer <token>"') };
  }
  if (outcome.principal.kind !== 'party') {
    logger.info({ event: 'auth.refused', reason: 'user_token_as_party' }, 'token refused');
    return { answer: unauthenticatedAnswer('user_token_as_party', 'this route needs a party token; a user token acts only for its user') };
  }
  return { party: outcome.principal };
}
