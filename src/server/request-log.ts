import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { HubMetrics } from './metrics.ts';

const FIXED_ROUTES: ReadonlySet<string> = new Set(['/graphql', '/healthz', '/readyz', '/metrics', '/.well-known/jwks.json']);

/**
 * The route a path belongs to, as logged and as the metrics label: a known route, or `other`. Never the raw
 * path beyond that, so neither a scan of random paths (label cardinality) nor a value planted in a path
 * (a statement period, a bulk kind) reaches a log line or a metric.
 */
export function routeOf(pathname: string): string {
  if (FIXED_ROUTES.has(pathname)) return pathname;
  if (pathname.startsWith('/bulk/')) return '/bulk';
  if (pathname.startsWith('/statements/')) return '/statements';
  return 'other';
}

/**
 * One request done: one log line (method, route, status, time — never the body, the variables or the
 * token) and the Prometheus counters by route and status. Every route goes through here: yoga's through
 * `useRequestRecord`, the streamed ones from the HTTP entry.
 */
export function recordRequest(logger: Logger, metrics: HubMetrics, request: { method: string; pathname: string; status: number; startedMs: number }): void {
  const route = routeOf(request.pathname);
  const seconds = (performance.now() - request.startedMs) / 1000;
  metrics.requests.inc({ route, status: String(request.status) });
  metrics.duration.observe({ route }, seconds);
  logger.info({ event: 'http.request', method: request.method, route, status: request.status, ms: Math.round(seconds * 1000) }, 'request');
}

/** `recordRequest` for every request yoga answers, refused ones included (it wraps every other plugin). */
export function useRequestRecord(logger: Logger, metrics: HubMetrics): Plugin {
  const started = new WeakMap<Request, number>();
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onResponse({ request, response }) {
      recordRequest(logger, metrics, {
        method: request.method,
        pathname: new URL(request.url).pathname,
        status: response.status,
        startedMs: started.get(request) ?? performance.now(),
      });
    },
  };
}
