import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/database.ts';
import { findActivePartyKeys, findParty } from '../parties/parties.repository.ts';
import type { Principal } from '../auth/principal.ts';
import { KEY_ALGORITHMS, type PartyRole } from '../parties/parties.table.ts';
import { subjectRefProblem } from '../vocabulary/subject-ref-shape.ts';

// Kept importable from here for code written before Principal moved to src/auth/principal.ts.
export type { Principal };

export type AuthErrorCode =
  | 'token_malformed'
  | 'alg_not_allowed'
  | 'kid_missing'
  | 'unknown_issuer'
  | 'unknown_key'
  | 'signature_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'expiry_missing'
  | 'lifetime_too_long'
  | 'audience_mismatch'
  | 'issuer_disabled'
  | 'user_token_not_from_platform'
  | 'subject_invalid';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The longest a token may live: parties sign short-lived tokens for themselves. */
const MAX_LIFETIME_SECONDS = 3600;
const USER_SCOPE = 'consent';

export interface TokenVerifierOptions {
  hubId: string;
  clockToleranceSeconds: number;
  /** Injected so tests can move time; defaults to the wall clock. */
  now?: () => number;
  /**
   * How long a verified token is trusted before its issuer's keys are read again (HUB_TOKEN_CACHE_SECONDS,
   * never past the token's expiry). A key revoked or a party disabled by another process — the CLI, another
   * replica — is only seen on that second look, so this is how long its tokens can keep working. 0 turns
   * the cache off.
   */
  cacheSeconds: number;
}

/**
 * Verifies bearer tokens against the keys each party registered. Only ES256 and EdDSA are accepted, the
 * header must name its key (`kid`), the issuer must be a registered, enabled party, `aud` must be this hub,
 * `exp` must be present and at most an hour ahead, and neither `nbf` nor `iat` may be further in the future
 * than the clock tolerance. A verified token is cached for `cacheSeconds` (never past its expiry), so steady traffic
 * costs one map lookup and a revoked key stops working within that time on every replica.
 * Every failure is an AuthError with a typed reason; nothing falls back to anonymous.
 */
export class TokenVerifier {
  private readonly cache = new LRUCache<string, Principal>({ max: 50_000, ttlAutopurge: false });
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: TokenVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    const { principal, expiresAtMs } = await this.verifyUncached(token);
    const ttl = Math.min(expiresAtMs - this.now(), this.options.cacheSeconds * 1000);
    if (ttl > 0) this.cache.set(token, principal, { ttl });
    return principal;
  }

  /** Forgets every cached token: called when a key is revoked or a party disabled. */
  forgetAll(): void {
    this.cache.clear();
  }

  private async verifyUncached(token: string): Promise<{ principal: Principal; expiresAtMs: number }> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      throw new AuthError('token_malformed', 'token must be a compact JWS with a JSON header and payload');
    }
    // Checked before any key is looked up, so `none`, HS256 and friends never reach a verifier.
    if (typeof header.alg !== 'string' || !(KEY_ALGORITHMS as readonly string[]).includes(header.alg)) {
      throw new AuthError('alg_not_allowed', `token alg must be one of ${KEY_ALGORITHMS.join(', ')}`);
    }
    // A kid names the one key that must verify: without it every key of the issuer would be tried.
    if (typeof header.kid !== 'string' || header.kid === '') {
      throw new AuthError('kid_missing', 'token header must name its key in kid');
    }
    if (typeof unverified.iss !== 'string' || unverified.iss === '') {
      throw new AuthError('unknown_issuer', 'token iss must name a registered party');
    }
    const party = await findParty(this.db, unverified.iss);
    if (party === undefined) throw new AuthError('unknown_issuer', 'token iss must name a registered party');
    if (party.disabledAt !== null) throw new AuthError('issuer_disabled', 'token issuer must not be disabled');
    const keys = await findActivePartyKeys(this.db, party.id);
    if (keys.length === 0) throw new AuthError('unknown_key', 'token issuer has no active keys');

    const keySet = createLocalJWKSet({ keys: keys.map((key) => key.publicJwk) });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: [...KEY_ALGORITHMS],
        issuer: party.id,
        audience: this.options.hubId,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp'],
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      throw authErrorFrom(error);
    }

    const nowSeconds = this.now() / 1000;
    // jose checks nbf and exp against the tolerance but not iat: a token "issued" in the future is refused too.
    if (typeof payload.iat === 'number' && payload.iat - nowSeconds > this.options.clockToleranceSeconds) {
      throw new AuthError('token_not_yet_valid', 'token iat must not be in the future');
    }
    const exp = payload.exp!;
    if (exp - nowSeconds > MAX_LIFETIME_SECONDS + this.options.clockToleranceSeconds) {
      throw new AuthError('lifetime_too_long', `token exp must be at most ${MAX_LIFETIME_SECONDS} seconds ahead`);
    }
    return { principal: principalOf(payload, party.id, party.role), expiresAtMs: exp * 1000 };
  }
}

function principalOf(payload: JWTPayload, partyId: string, role: PartyRole): Principal {
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (scopes.includes(USER_SCOPE)) {
    // A user token: the platform vouches for one of its users, named by its pseudonym.
    if (role !== 'platform') throw new AuthError('user_token_not_from_platform', 'user tokens must be signed by a platform');
    // The same vocabulary as a document's subjectRef: a pseudonym that decodes to nothing personal, so a
    // platform cannot make the hub carry (or log a look-up of) a phone number as a user's name.
    if (typeof payload.sub !== 'string' || subjectRefProblem(payload.sub) !== undefined) {
      throw new AuthError('subject_invalid', 'user token sub must be a subjectRef pseudonym');
    }
    return { kind: 'user', platformId: partyId, subjectRef: payload.sub };
  }
  // A party token speaks for the party itself; a `sub` naming anyone else would be a user token in disguise.
  if (payload.sub !== undefined && payload.sub !== partyId) {
    throw new AuthError('subject_invalid', 'party token sub must be absent or equal to iss');
  }
  return { kind: 'party', partyId, role };
}

function authErrorFrom(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof joseErrors.JWTExpired) return new AuthError('token_expired', 'token must not be expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return new AuthError('audience_mismatch', 'token aud must name this hub');
    if (error.claim === 'nbf') return new AuthError('token_not_yet_valid', 'token nbf must not be in the future');
    if (error.claim === 'exp') return new AuthError('expiry_missing', 'token must have an exp claim');
    if (error.claim === 'iat') return new AuthError('token_not_yet_valid', 'token iat must not be in the future');
    if (error.claim === 'iss') return new AuthError('unknown_issuer', 'token iss must name a registered party');
    return new AuthError('token_malformed', `token claim ${error.claim} must be valid`);
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new AuthError('alg_not_allowed', `token alg must be one of ${KEY_ALGORITHMS.join(', ')}`);
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new AuthError('unknown_key', 'token kid must name an active key of the issuer');
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new AuthError('signature_invalid', 'token signature must verify');
  return new AuthError('token_malformed', 'token must be a well-formed signed JWT');
}
