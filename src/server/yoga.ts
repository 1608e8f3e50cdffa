import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { HubConfig } from '../config.ts';
import { isDatabaseReachable } from '../db/client.ts';
import type { Db } from '../db/database.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import { hubSchema } from '../graphql/schema.ts';
import { AuthError, type Principal, type TokenVerifier } from './auth.ts';
import type { HubRequestContext } from '../graphql/context.ts';
import { GRAPHQL_LIMITS, graphqlLimitPlugins } from './graphql-limits.ts';
import { safeErrorSummary } from './logger.ts';
import { type HubMetrics, useMetrics } from './metrics.ts';
import { useTokenKindGuard } from './token-kind-guard.ts';

export interface YogaDeps {
  config: HubConfig;
  db: Db;
  secret: Buffer;
  signingKey: HubSigningKey;
  policies: PolicySet;
  verifier: TokenVerifier;
  logger: Logger;
  metrics: HubMetrics;
  now: () => Date;
}

/**
 * Headers for a JSON answer, a fresh object each time: the fetch Response writes `content-length` into
 * the object it is given, so a shared one would carry the first answer's length into every later one.
 */
function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', ...extra };
}

/**
 * /healthz (the process answers), /readyz (the database answers) and /.well-known/jwks.json (the hub's
 * public keys, to verify consent receipts), outside GraphQL.
 */
function usePublicRoutes(db: Db, signingKey: HubSigningKey): Plugin {
  const jwks = JSON.stringify({ keys: [signingKey.publicJwk] });
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/.well-known/jwks.json') {
        endResponse(new fetchAPI.Response(jwks, { headers: { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' } }));
      } else if (url.pathname === '/healthz') {
        endResponse(new fetchAPI.Response(JSON.stringify({ status: 'ok' }), { headers: jsonHeaders() }));
      } else if (url.pathname === '/readyz') {
        const ready = await isDatabaseReachable(db);
        endResponse(
          new fetchAPI.Response(JSON.stringify({ status: ready ? 'ready' : 'database unreachable' }), {
            status: ready ? 200 : 503,
            headers: jsonHeaders(),
          }),
        );
      }
    },
  };
}

/**
 * Verifies the bearer token before GraphQL parses anything. A request without a token goes on as anonymous
 * (every protected field refuses it with a typed error); a request with a bad token stops here with 401 and
 * the reason, and never falls back to anonymous.
 */
function useBearerAuth(verifier: TokenVerifier, principals: WeakMap<Request, Principal>, logger: Logger): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/graphql') return;
      const header = request.headers.get('authorization');
      if (header === null) return;
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
      try {
        if (match === null) throw new AuthError('token_malformed', 'authorization header must be "Bearer <token>"');
        principals.set(request, await verifier.verify(match[1]!));
      } catch (error) {
        if (!(error instanceof AuthError)) {
          // The keys could not be read (the database is down): the token is neither good nor bad yet.
          logger.error({ event: 'auth.unavailable', err: safeErrorSummary(error) }, 'token could not be checked');
          endResponse(
            new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'the hub cannot check tokens right now; retry later', extensions: { code: 'UNAVAILABLE' } }] }), {
              status: 503,
              headers: jsonHeaders({ 'retry-after': '5' }),
            }),
          );
          return;
        }
        logger.info({ event: 'auth.refused', reason: error.code }, 'token refused');
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED', reason: error.code } }] }),
            {
              status: 401,
              headers: jsonHeaders({ 'www-authenticate': `Bearer error="invalid_token", error_description="${error.code}"` }),
            },
          ),
        );
      }
    },
  };
}

/** One log line per request: method, path, status, time. Never the body, the query variables or the token. */
function useRequestLog(logger: Logger): Plugin {
  const started = new WeakMap<Request, number>();
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const start = started.get(request);
      logger.info(
        {
          event: 'http.request',
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ms: start === undefined ? undefined : Math.round(performance.now() - start),
        },
        'request',
      );
    },
  };
}

/**
 * The GraphQL server. Plugins run in the order listed, and the order matters:
 * 1. the request log and metrics wrap everything, so refused requests are counted too (/metrics is
 *    answered there);
 * 2. public routes (health, JWKS) answer before authentication, so a load balancer needs no token;
 * 3. bearer authentication runs before GraphQL parsing, so a bad token costs no parse and leaks nothing;
 * 4. the GraphQL limits (src/server/graphql-limits.ts) refuse a request for its shape — CSRF, tokens, depth,
 *    aliases, cost, directives, list sizes — at parsing, validation or just before execution, so a refused
 *    request runs no resolver. Batching and multipart are off and the body size is capped here, in yoga's
 *    own request parsing.
 */
export function createHubYoga(deps: YogaDeps): YogaServerInstance<Record<string, unknown>, HubRequestContext> {
  const principals = new WeakMap<Request, Principal>();
  const production = deps.config.mode === 'production';
  return createYoga<Record<string, unknown>, HubRequestContext>({
    schema: hubSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: !production,
    batching: false,
    multipart: false,
    maxRequestBodySize: GRAPHQL_LIMITS.maxRequestBodyBytes,
    // Unexpected errors (a driver message may quote a value) are masked even in development; yoga hands
    // the original to `logging.error` below, which logs it without its message.
    maskedErrors: { isDev: false },
    logging: {
      debug: (...args) => deps.logger.debug({ event: 'yoga' }, String(args[0])),
      info: (...args) => deps.logger.info({ event: 'yoga' }, String(args[0])),
      warn: (...args) => deps.logger.warn({ event: 'yoga' }, String(args[0])),
      error: (...args) => deps.logger.error({ event: 'graphql.unexpected_error', err: safeErrorSummary(args[0]) }, 'unexpected error'),
    },
    plugins: [
      useRequestLog(deps.logger),
      useMetrics(deps.metrics),
      usePublicRoutes(deps.db, deps.signingKey),
      useBearerAuth(deps.verifier, principals, deps.logger),
      ...graphqlLimitPlugins({ production, logger: deps.logger }),
      useTokenKindGuard(deps.logger),
    ],
    context: ({ request }) => ({
      principal: principals.get(request) ?? null,
      db: deps.db,
      secret: deps.secret,
      signingKey: deps.signingKey,
      policies: deps.policies,
      config: deps.config,
      metrics: deps.metrics,
      now: deps.now,
    }),
  });
}
