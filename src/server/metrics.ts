import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Plugin } from 'graphql-yoga';

/** The hub's Prometheus metrics: process defaults plus HTTP requests by route and status. */
export class HubMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'tradein_hub_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'tradein_hub_http_request_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly documents = new Counter({
    name: 'tradein_hub_documents_total',
    help: 'Submitted documents by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

// Known routes only, so a scan of random paths cannot blow up the label set.
const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

/** Serves /metrics and counts every request by route and status. */
export function useMetrics(metrics: HubMetrics): Plugin {
  const started = new WeakMap<Request, number>();
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      started.set(request, performance.now());
      if (url.pathname === '/metrics') {
        endResponse(new fetchAPI.Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
      }
    },
    onResponse({ request, response }) {
      const path = new URL(request.url).pathname;
      const route = ROUTES.has(path) ? path : 'other';
      metrics.requests.inc({ route, status: String(response.status) });
      const start = started.get(request);
      if (start !== undefined) metrics.duration.observe({ route }, (performance.now() - start) / 1000);
    },
  };
}
