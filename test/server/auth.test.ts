import { generateKeyPair, SignJWT, exportJWK, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokePartyKey } from '../../src/parties/parties.repository.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const VIEWER = '{ viewer { kind partyId role platformId } }';
const SUBJECT = 'u7dVq3KpZr0bN2xWm9LhTf4sYc8Ae1Gj';

async function signWith(hub: TestHub, partyId: string, claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const key = hub.keys.get(partyId)!;
  const { importJWK } = await import('jose');
  const signingKey = await importJWK(key.privateJwk, key.alg);
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(signingKey);
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

describe('bearer authentication', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  async function expect401(token: string, reason: string) {
    const { status, body } = await hub.graphql(VIEWER, {}, token);
    expect(status).toBe(401);
    expect(body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
    expect(body.data).toBeUndefined();
  }

  it('identifies a party by its own signed token (ES256 and EdDSA)', async () => {
    const platform = await hub.graphql(VIEWER, {}, await hub.token('platform-a'));
    expect(platform.body.data.viewer).toEqual({ kind: 'party', partyId: 'platform-a', role: 'platform', platformId: null });
    const brand = await hub.graphql(VIEWER, {}, await hub.token('brand-a'));
    expect(brand.body.data.viewer).toMatchObject({ kind: 'party', partyId: 'brand-a', role: 'brand' });
  });

  it('treats a request without a token as anonymous, never as a party', async () => {
    const { status, body } = await hub.graphql(VIEWER);
    expect(status).toBe(200);
    expect(body.data.viewer).toBeNull();
  });

  it('identifies a user by a platform-signed token with the consent scope', async () => {
    const token = await hub.token('platform-a', { subjectRef: SUBJECT });
    const { body } = await hub.graphql(VIEWER, {}, token);
    expect(body.data.viewer).toEqual({ kind: 'user', partyId: null, role: null, platformId: 'platform-a' });
  });

  it('refuses a user token signed by a party that is not a platform', async () => {
    await expect401(await hub.token('recycler-a', { subjectRef: SUBJECT }), 'user_token_not_from_platform');
  });

  it('refuses a user token where a party token is needed', async () => {
    const token = await hub.token('platform-a', { subjectRef: SUBJECT });
    const { status, body } = await hub.graphql('mutation { submitTradeIns(documents: []) { __typename ... on HubError { code } } }', {}, token);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', reason: 'user_token_as_party' } })] });
    // Fragments at the root do not hide the field.
    const hidden = await hub.graphql('query { ...F } fragment F on Query { viewer { kind } myAgreements { __typename } }', {}, token);
    expect(hidden.status).toBe(401);
  });

  it('refuses a party token where a user token is needed', async () => {
    const { status, body } = await hub.graphql('{ me { __typename ... on HubError { code } } }', {}, await hub.token('platform-a'));
    expect(status).toBe(401);
    expect(body).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', reason: 'party_token_as_user' } })] });
    expect((await hub.graphql('{ consentPurposes { __typename } }', {}, await hub.token('platform-a'))).status).toBe(401);
    // `viewer` is for either kind.
    expect((await hub.graphql('{ viewer { kind } }', {}, await hub.token('platform-a'))).status).toBe(200);
  });

  it('refuses a party token that names a user in sub without the consent scope', async () => {
    await expect401(await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600, sub: SUBJECT }), 'subject_invalid');
  });

  it('refuses a user token whose sub is not a pseudonym of the subjectRef vocabulary', async () => {
    // A phone number, the same base64url-encoded (the detectors cannot read it as it stands), and a
    // patterned string long enough for the old length-only check: none is a random pseudonym.
    for (const sub of ['13812345678', Buffer.from('13812345678 张三').toString('base64url'), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaa']) {
      await expect401(
        await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600, sub, scope: 'consent' }),
        'subject_invalid',
      );
    }
    // The pseudonym used by the other tests passes the same check.
    expect(
      (
        await hub.graphql(
          '{ viewer { kind } }',
          {},
          await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600, sub: SUBJECT, scope: 'consent' }),
        )
      ).status,
    ).toBe(200);
  });

  it('refuses alg none in any casing', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const header = base64url.encode(JSON.stringify({ alg, typ: 'JWT' }));
      const payload = base64url.encode(JSON.stringify({ iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600 }));
      await expect401(`${header}.${payload}.`, 'alg_not_allowed');
    }
  });

  it("refuses HS256 signed with the party's public key", async () => {
    const publicJwk = hub.keys.get('platform-a')!.publicJwk;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('platform-a')
      .setAudience(hub.config.hubId)
      .setExpirationTime('10m')
      .sign(secret);
    await expect401(token, 'alg_not_allowed');
  });

  it('refuses an unknown issuer', async () => {
    await expect401(await signWith(hub, 'platform-a', { iss: 'nobody', aud: hub.config.hubId, exp: nowSeconds() + 600 }), 'unknown_issuer');
  });

  it('refuses a token signed by another party than its iss says', async () => {
    await expect401(await signWith(hub, 'platform-b', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600 }), 'unknown_key');
  });

  it('refuses a wrong audience', async () => {
    await expect401(await signWith(hub, 'platform-a', { iss: 'platform-a', aud: 'another-hub', exp: nowSeconds() + 600 }), 'audience_mismatch');
  });

  it('refuses a token without exp', async () => {
    await expect401(await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId }), 'expiry_missing');
  });

  it('refuses a token expired for longer than the clock tolerance', async () => {
    await expect401(await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() - 120 }), 'token_expired');
  });

  it('refuses a token that lives longer than an hour', async () => {
    await expect401(await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 7200 }), 'lifetime_too_long');
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const token = await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() - 5 });
    const { status } = await hub.graphql(VIEWER, {}, token);
    expect(status).toBe(200);
  });

  it('refuses a token not yet valid', async () => {
    await expect401(
      await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600, nbf: nowSeconds() + 300 }),
      'token_not_yet_valid',
    );
  });

  it('refuses a token whose header names no key (no kid, or an empty one)', async () => {
    const claims = { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600 };
    const key = hub.keys.get('platform-a')!;
    const { importJWK } = await import('jose');
    const signingKey = await importJWK(key.privateJwk, key.alg);
    // Signed by the right key: only the missing kid is wrong.
    await expect401(await new SignJWT(claims).setProtectedHeader({ alg: key.alg }).sign(signingKey), 'kid_missing');
    await expect401(await signWith(hub, 'platform-a', claims, { kid: '' }), 'kid_missing');
    expect((await hub.graphql(VIEWER, {}, await signWith(hub, 'platform-a', claims))).status).toBe(200);
  });

  it('accepts the Bearer scheme in any case, and nothing else in front of the token', async () => {
    const token = await hub.token('platform-a');
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const response = await hub.app.yoga.fetch('http://hub.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `${scheme} ${token}` },
        body: JSON.stringify({ query: VIEWER }),
      });
      expect(response.status).toBe(200);
      expect((await response.json()).data.viewer.partyId).toBe('platform-a');
    }
    for (const header of [`Bearer${token}`, `Token ${token}`, `Bearer ${token} extra`, `Bearer "${token}"`]) {
      const response = await hub.app.yoga.fetch('http://hub.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: VIEWER }),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'token_malformed' });
    }
  });

  it('refuses an unknown kid', async () => {
    await expect401(
      await signWith(hub, 'platform-a', { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600 }, { kid: 'no-such-key' }),
      'unknown_key',
    );
  });

  it('refuses a malicious kid (path traversal, SQL, very long, not a string) without touching anything with it', async () => {
    const claims = { iss: 'platform-a', aud: hub.config.hubId, exp: nowSeconds() + 600 };
    for (const kid of ['../../../../etc/passwd', "x' OR '1'='1' --", "'; drop table party_keys; --", 'k'.repeat(8_000), '\u0000', '%00../']) {
      await expect401(await signWith(hub, 'platform-a', claims, { kid }), 'unknown_key');
    }
    for (const kid of [42, { $ne: null }, ['a']]) {
      const { status, body } = await hub.graphql(VIEWER, {}, await signWith(hub, 'platform-a', claims, { kid }));
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    // The keys are intact: the party's real kid still works.
    expect((await hub.graphql(VIEWER, {}, await hub.token('platform-a'))).body.data.viewer.partyId).toBe('platform-a');
  });

  it('ignores a public key embedded in the token header (jwk) and refuses what it signed', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', jwk, kid: hub.keys.get('platform-a')!.kid })
      .setIssuer('platform-a')
      .setAudience(hub.config.hubId)
      .setExpirationTime('10m')
      .sign(attacker.privateKey);
    await expect401(token, 'signature_invalid');
  });

  it('refuses a token with one flipped bit, in its signature or its claims', async () => {
    const token = await hub.token('platform-a');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const bytes = base64url.decode(signature);
    bytes[5] = bytes[5]! ^ 0x01;
    await expect401(`${header}.${payload}.${base64url.encode(bytes)}`, 'signature_invalid');
    // The last digit of exp, one bit off (0↔1, 2↔3 …): still well-formed claims, no longer what was signed.
    const claims = new TextDecoder().decode(base64url.decode(payload));
    const at = claims.search(/"exp":\d+/) + claims.match(/"exp":\d+/)![0].length - 1;
    const flipped = `${claims.slice(0, at)}${String.fromCharCode(claims.charCodeAt(at) ^ 0x01)}${claims.slice(at + 1)}`;
    expect(flipped).not.toBe(claims);
    await expect401(`${header}.${base64url.encode(flipped)}.${signature}`, 'signature_invalid');
  });

  it('refuses a token signed by a stranger key with a matching kid', async () => {
    const stranger = await generateKeyPair('ES256');
    const kid = hub.keys.get('platform-a')!.kid;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('platform-a')
      .setAudience(hub.config.hubId)
      .setExpirationTime('10m')
      .sign(stranger.privateKey);
    await expect401(token, 'signature_invalid');
    expect(await exportJWK(stranger.publicKey)).toHaveProperty('x');
  });

  it('refuses garbage and a malformed header', async () => {
    await expect401('not-a-token', 'token_malformed');
    const response = await hub.app.yoga.fetch('http://hub.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a new token signed by a revoked key at once', async () => {
    const key = hub.keys.get('regulator-a')!;
    await revokePartyKey(hub.app.database.db, 'regulator-a', key.kid, new Date());
    await expect401(await hub.token('regulator-a'), 'unknown_key');
  });

  it('refuses tokens of a revoked key once the cache is told', async () => {
    const token = await hub.token('platform-b');
    expect((await hub.graphql(VIEWER, {}, token)).status).toBe(200);
    await revokePartyKey(hub.app.database.db, 'platform-b', hub.keys.get('platform-b')!.kid, new Date());
    hub.app.verifier.forgetAll();
    await expect401(token, 'unknown_key');
  });
});

describe('bearer authentication on a controlled clock', () => {
  // Token times are whole seconds; a clock the test moves makes the tolerance boundary exact.
  const clock = new Date('2026-11-20T10:00:00.000Z');
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ now: () => clock });
  });
  afterAll(async () => hub.close());

  const at = () => Math.floor(clock.getTime() / 1000);
  const claims = (extra: Record<string, unknown>) => ({ iss: 'platform-a', aud: hub.config.hubId, ...extra });

  async function status(token: string) {
    const { status, body } = await hub.graphql(VIEWER, {}, token);
    return { status, reason: body.errors?.[0]?.extensions?.reason as string | undefined };
  }

  it('accepts exp up to the clock tolerance in the past and refuses it beyond', async () => {
    expect(hub.config.clockToleranceSeconds).toBe(30);
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() - 29 })))).toEqual({ status: 200, reason: undefined });
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() - 31 })))).toEqual({ status: 401, reason: 'token_expired' });
  });

  it('accepts nbf up to the clock tolerance in the future and refuses it beyond', async () => {
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() + 600, nbf: at() + 29 })))).toEqual({ status: 200, reason: undefined });
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() + 600, nbf: at() + 31 })))).toEqual({
      status: 401,
      reason: 'token_not_yet_valid',
    });
  });

  it('accepts iat up to the clock tolerance in the future and refuses it beyond (a token issued 10 minutes ahead)', async () => {
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() + 600, iat: at() + 30 })))).toEqual({ status: 200, reason: undefined });
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() + 600, iat: at() + 31 })))).toEqual({
      status: 401,
      reason: 'token_not_yet_valid',
    });
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() + 900, iat: at() + 600 })))).toEqual({
      status: 401,
      reason: 'token_not_yet_valid',
    });
    expect(await status(await signWith(hub, 'platform-a', claims({ exp: at() + 600, iat: at() - 600 })))).toEqual({ status: 200, reason: undefined });
  });
});

describe('bearer authentication after a revocation nobody tells the hub about', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // One second instead of the default 30, so the test can wait it out.
    hub = await createTestHub({ env: { HUB_TOKEN_CACHE_SECONDS: '1' } });
  });
  afterAll(async () => hub.close());

  it("stops accepting a revoked key's already verified tokens once HUB_TOKEN_CACHE_SECONDS has passed", async () => {
    expect(hub.config.tokenCacheSeconds).toBe(1);
    const token = await hub.token('platform-b');
    expect((await hub.graphql(VIEWER, {}, token)).status).toBe(200);
    // As `tradein-hub keys revoke` does from another process: straight in the database, no forgetAll(). Until
    // the cache entry runs out the hub may still accept the token; after it, never.
    await revokePartyKey(hub.app.database.db, 'platform-b', hub.keys.get('platform-b')!.kid, new Date());
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { status, body } = await hub.graphql(VIEWER, {}, token);
    expect(status).toBe(401);
    expect(body.errors[0].extensions.reason).toBe('unknown_key');
  });
});

describe('health endpoints', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  it('answers /healthz and /readyz without a token', async () => {
    const health = await hub.app.yoga.fetch('http://hub.test/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await hub.app.yoga.fetch('http://hub.test/readyz');
    expect(ready.status).toBe(200);
  });

  it('exposes Prometheus metrics that count requests by route', async () => {
    await hub.app.yoga.fetch('http://hub.test/healthz');
    const metrics = await (await hub.app.yoga.fetch('http://hub.test/metrics')).text();
    expect(metrics).toMatch(/tradein_hub_http_requests_total\{route="\/healthz",status="200"\} \d+/);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });
});

describe('bearer authentication with the database down', () => {
  it('answers 503 with a retry hint instead of failing the request or letting it through', async () => {
    const hub = await createTestHub();
    const token = await hub.token('platform-a');
    await hub.app.database.db.destroy();
    const { status, body } = await hub.graphql(VIEWER, {}, token);
    expect(status).toBe(503);
    expect(body.errors[0].extensions.code).toBe('UNAVAILABLE');
    expect(body.data).toBeUndefined();
    await hub.close();
  });
});
