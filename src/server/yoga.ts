import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { HubConfig } from '../config.ts';
import { isDatabaseReachable } from '../db/client.ts';
import type { Db } from '../db/database.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import { useFirmListRoutes } from '../firms/firm-list.routes.ts';
import { useValuationStandardRoutes } from '../valuation/valuation-standard.routes.ts';
import { VALUATION_STANDARD } from '../valuation/published-standard.ts';
import { hubSchema } from '../graphql/schema.ts';
import type { Principal, TokenVerifier } from './auth.ts';
import { checkBearer } from './bearer.ts';
import type { HubRequestContext } from '../graphql/context.ts';
import { GRAPHQL_LIMITS, graphqlLimitPlugins } from './graphql-limits.ts';
import { safeErrorSummary } from './logger.ts';
import { answerResponse } from './http-answers.ts';
import { type HubMetrics, useMetricsRoute } from './metrics.ts';
import { useRequestRecord } from './request-log.ts';
import { useTokenKindGuard } from './token-kind-guard.ts';
import { useUnavailableWhenDatabaseDown } from './database-down.ts';
import { useEchoFreeErrors } from './echo-free-errors.ts';
import { useStorableInputs } from './input-guard.ts';

export interface YogaDeps {
  config: HubConfig;
  /** The serving role naming nobody: health checks. */
  db: Db;
  /** The serving role naming the request's caller: every resolver's `context.db`. */
  sessionFor: (principal: Principal | null) => Db;
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
 * Verifies the bearer token before GraphQL parses anything, with the check every route shares (bearer.ts).
 * A request without a token goes on as anonymous (every protected field refuses it with a typed error); a
 * request with a bad token stops here with 401 and the reason, and never falls back to anonymous.
 */
function useBearerAuth(verifier: TokenVerifier, principals: WeakMap<Request, Principal>, logger: Logger): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/graphql') return;
      const outcome = await checkBearer(request.headers.get('authorization'), verifier, logger);
      if (outcome.kind === 'verified') principals.set(request, outcome.principal);
      else if (outcome.kind === 'refused') endResponse(answerResponse(outcome.answer, fetchAPI));
    },
  };
}

/**
 * The GraphQL server. Plugins run in the order listed, and the order matters:
 * 1. the request log and counters wrap everything, so refused requests are counted too; /metrics is
 *    answered next;
 * 2. public routes (health, JWKS, the firm list, the valuation standard) answer before authentication, so a
 *    load balancer needs no token;
 * 3. bearer authentication runs before GraphQL parsing, so a bad token costs no parse and leaks nothing;
 * 4. the GraphQL limits (src/server/graphql-limits.ts) refuse a request for its shape — CSRF, tokens, depth,
 *    aliases, cost, directives, list sizes — at parsing, validation or just before execution, so a refused
 *    request runs no resolver. Batching and multipart are off and the body size is capped here, in yoga's
 *    own request parsing;
 * 5. the token-kind guard, then the storable-input guard (input-guard.ts: NUL, lone surrogates, over-long
 *    strings, out-of-range numbers refused with 400 before any resolver);
 * 6. on the way out, every error is rebuilt without the values GraphQL's own messages quote
 *    (echo-free-errors.ts), and an unexpected error with the database down becomes 503 (database-down.ts).
 */
export function createHubYoga(deps: YogaDeps): YogaServerInstance<Record<string, unknown>, HubRequestContext> {
  const principals = new WeakMap<Request, Principal>();
  const production = deps.config.mode === 'production';
  const schema = hubSchema();
  return createYoga<Record<string, unknown>, HubRequestContext>({
    schema,
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
      useRequestRecord(deps.logger, deps.metrics),
      useMetricsRoute(deps.metrics),
      usePublicRoutes(deps.db, deps.signingKey),
      useFirmListRoutes(deps.db),
      useValuationStandardRoutes(VALUATION_STANDARD),
      useBearerAuth(deps.verifier, principals, deps.logger),
      ...graphqlLimitPlugins({ production, logger: deps.logger }),
      useTokenKindGuard(deps.logger),
      useStorableInputs(deps.logger),
      useEchoFreeErrors(schema),
      useUnavailableWhenDatabaseDown(deps.db),
    ],
    context: ({ request }) => ({
      principal: principals.get(request) ?? null,
      db: deps.sessionFor(principals.get(request) ?? null),
      secret: deps.secret,
      signingKey: deps.signingKey,
      policies: deps.policies,
      config: deps.config,
      metrics: deps.metrics,
      now: deps.now,
    }),
  });
}
