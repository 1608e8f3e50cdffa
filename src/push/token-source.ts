import { mintToken, type StoredPartyKey } from '../parties/local-key-store.ts';

/** Where the push gets its bearer token. */
export interface TokenSource {
  /** A token valid for at least a little longer. */
  token(): Promise<string>;
  /** Called after a 401: a source that can mint forces a fresh token and returns true; a fixed one returns false. */
  renew(): Promise<boolean>;
}

/** A token given on the command line; it cannot be renewed. */
export function fixedToken(token: string): TokenSource {
  return { token: async () => token, renew: async () => false };
}

/**
 * Tokens minted with a party key kept in the data folder, re-minted `renewBeforeSeconds` before they
 * expire, so a push that runs for hours never sends an expired token.
 */
export function mintedTokens(key: StoredPartyKey, options: { hubId: string; ttlSeconds?: number; renewBeforeSeconds?: number; now?: () => Date }): TokenSource {
  const ttlSeconds = options.ttlSeconds ?? 3600;
  const renewBeforeMs = (options.renewBeforeSeconds ?? Math.min(300, Math.floor(ttlSeconds / 4))) * 1000;
  const now = options.now ?? (() => new Date());
  let current: { token: string; expiresAt: number } | undefined;
  const mint = async () => {
    const issuedAt = now();
    current = { token: await mintToken(key, { hubId: options.hubId, ttlSeconds, now: issuedAt }), expiresAt: issuedAt.getTime() + ttlSeconds * 1000 };
    return current.token;
  };
  return {
    token: async () => (current !== undefined && now().getTime() < current.expiresAt - renewBeforeMs ? current.token : mint()),
    renew: async () => {
      await mint();
      return true;
    },
  };
}
