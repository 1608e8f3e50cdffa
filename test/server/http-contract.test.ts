import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBJECT = 'u7dVq3KpZr0bN2xWm9LhTf4sYc8Ae1Gj';
const TRADE_IN = JSON.stringify({
  externalRef: 'CONTRACT-1',
  category: 'television',
  brand: '海信',
  model: '65E3H',
  usageMonths: 40,
  tradeInMonth: '2026-08',
  channel: 'in_store',
  quotedValuationFen: 66_000,
});

interface Route {
  name: string;
  request(authorization?: string): { path: string; init: RequestInit };
}

/** The three entries, each asked for something a party token would be allowed. */
const ROUTES: Route[] = [
  {
    name: '/graphql',
    request: (authorization) => ({
      path: '/graphql',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: 'mutation { submitTradeIns(documents: []) { __typename } }' }),
      },
    }),
  },
  {
    name: '/bulk',
    request: (authorization) => ({
      path: '/bulk/tradein',
      init: { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...(authorization ? { authorization } : {}) }, body: `${TRADE_IN}\n` },
    }),
  },
  {
    name: '/statements',
    request: (authorization) => ({
      path: '/statements/2026-10.csv',
      init: { method: 'GET', headers: authorization ? { authorization } : ({} as Record<string, string>) },
    }),
  },
];

async function listen(hub: TestHub): Promise<{ server: Server; base: string }> {
  const server = createServer(hub.app.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function call(base: string, route: Route, authorization?: string) {
  const { path, init } = route.request(authorization);
  const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

describe('one HTTP contract on every route', () => {
  let hub: TestHub;
  let server: Server;
  let base: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    hub = await createTestHub({ logLines });
    ({ server, base } = await listen(hub));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  });

  it('refuses a bad token on every route with the same 401 body, reason and header', async () => {
    const answers = await Promise.all(ROUTES.map((route) => call(base, route, 'Bearer not-a-token')));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', reason: 'token_malformed' } }] });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="token_malformed"');
    }
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    // A scheme other than Bearer is as bad as a bad token.
    for (const route of ROUTES) expect((await call(base, route, `Basic ${Buffer.from('a:b').toString('base64')}`)).status).toBe(401);
  });

  it('accepts the Bearer scheme in any case on every route', async () => {
    const platform = await hub.token('platform-a');
    expect((await call(base, ROUTES[0]!, `bearer ${platform}`)).status).toBe(200);
    expect((await call(base, ROUTES[1]!, `BEARER ${platform}`)).status).toBe(200);
    // No statement was issued: the platform is let in and told there is none.
    const statement = await call(base, ROUTES[2]!, `bEaReR ${platform}`);
    expect(statement.status).toBe(404);
    expect(statement.body.errors[0].extensions).toEqual({ code: 'NOT_FOUND', reason: 'statement.not_found' });
  });

  it('refuses a user token where a party token is needed with 401 user_token_as_party on every route', async () => {
    const user = `Bearer ${await hub.token('platform-a', { subjectRef: SUBJECT })}`;
    for (const route of ROUTES) {
      const answer = await call(base, route, user);
      expect(answer.status).toBe(401);
      expect(answer.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'user_token_as_party' });
      expect(answer.headers.get('www-authenticate')).toContain('user_token_as_party');
    }
  });

  it('answers a missing token with 401 token_missing where the route needs a party (GraphQL: anonymous, typed per field)', async () => {
    for (const route of ROUTES.slice(1)) {
      const answer = await call(base, route);
      expect(answer.status).toBe(401);
      expect(answer.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'token_missing' });
    }
    const anonymous = await call(base, ROUTES[0]!);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.data.submitTradeIns.__typename).toBe('Unauthenticated');
  });

  it('answers a party of the wrong role with 403 forbidden.role on the streamed routes', async () => {
    const brand = `Bearer ${await hub.token('brand-a')}`;
    for (const route of ROUTES.slice(1)) {
      const answer = await call(base, route, brand);
      expect(answer.status).toBe(403);
      expect(answer.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'forbidden.role' });
    }
  });

  it('logs one request line and counts every route in the metrics, refused requests included', async () => {
    logLines.length = 0;
    for (const route of ROUTES) await call(base, route, 'Bearer not-a-token');
    const requests = logLines.map((line) => JSON.parse(line)).filter((line) => line.event === 'http.request');
    expect(requests.map((line) => [line.route, line.status]).sort()).toEqual([
      ['/bulk', 401],
      ['/graphql', 401],
      ['/statements', 401],
    ]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const route of ['/graphql', '/bulk', '/statements']) {
      expect(metrics).toMatch(new RegExp(`tradein_hub_http_requests_total\\{route="${route.replace('/', '\\/')}",status="401"\\} [1-9]`));
      expect(metrics).toMatch(new RegExp(`tradein_hub_http_request_seconds_count\\{route="${route.replace('/', '\\/')}"\\} [1-9]`));
    }
    // A value planted in a path reaches neither a log line nor a metric label.
    await fetch(`${base}/statements/13800138000.csv`);
    await fetch(`${base}/bulk/13800138000`, { method: 'POST', body: '' });
    await fetch(`${base}/13800138000`);
    expect(logLines.join('\n')).not.toContain('13800138000');
    expect(await (await fetch(`${base}/metrics`)).text()).not.toContain('13800138000');
  });
});

describe('one HTTP contract with the database down', () => {
  it('answers 503 with retry-after on every route, for a fresh token and for one verified before', async () => {
    const hub = await createTestHub();
    const { server, base } = await listen(hub);
    try {
      const cachedPlatform = `Bearer ${await hub.token('platform-a')}`;
      const cachedRecycler = `Bearer ${await hub.token('recycler-a')}`;
      // Verified (and cached) while the database answers.
      for (const route of ROUTES) expect((await call(base, route, cachedPlatform)).status).toBeLessThan(500);
      expect((await call(base, ROUTES[0]!, cachedRecycler)).status).toBe(200);
      const fresh = `Bearer ${await hub.token('platform-b')}`;
      await hub.app.database.db.destroy();
      for (const route of ROUTES) {
        const uncached = await call(base, route, fresh);
        expect(uncached.status).toBe(503);
        expect(uncached.headers.get('retry-after')).toBe('5');
        expect(uncached.body.errors[0].extensions).toEqual({ code: 'UNAVAILABLE' });
      }
      for (const route of ROUTES.slice(1)) {
        const cached = await call(base, route, cachedPlatform);
        expect(cached.status).toBe(503);
        expect(cached.headers.get('retry-after')).toBe('5');
        expect(cached.body.errors[0].extensions).toEqual({ code: 'UNAVAILABLE' });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await hub.close();
    }
  });
});
