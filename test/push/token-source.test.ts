import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { StoredPartyKey } from '../../src/parties/local-key-store.ts';
import { fixedToken, mintedTokens } from '../../src/push/token-source.ts';

async function partyKey(): Promise<StoredPartyKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { partyId: 'platform-a', kid, alg: 'ES256', privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' }, publicJwk };
}

describe('mintedTokens', () => {
  it('reuses a token while it has time left, and mints a new one before it expires', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const tokens = mintedTokens(await partyKey(), { hubId: 'tradein-hub', ttlSeconds: 3600, now: () => now });
    const first = await tokens.token();
    expect(decodeJwt(first)).toMatchObject({ iss: 'platform-a', aud: 'tradein-hub', exp: decodeJwt(first).iat! + 3600 });
    now = new Date('2026-01-01T00:50:00Z');
    expect(await tokens.token()).toBe(first);
    now = new Date('2026-01-01T00:56:00Z'); // inside the last five minutes
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(decodeJwt(second).exp).toBeGreaterThan(decodeJwt(first).exp!);
  });

  it('renews on demand after the hub refused a token', async () => {
    const tokens = mintedTokens(await partyKey(), { hubId: 'tradein-hub', now: () => new Date() });
    expect(await tokens.renew()).toBe(true);
  });
});

describe('fixedToken', () => {
  it('cannot renew a token given on the command line', async () => {
    const tokens = fixedToken('given');
    expect(await tokens.token()).toBe('given');
    expect(await tokens.renew()).toBe(false);
  });
});
