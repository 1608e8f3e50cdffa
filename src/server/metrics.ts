import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Plugin } from 'graphql-yoga';

/** The hub's Prometheus metrics: process defaults plus HTTP requests by route (request-log.ts) and status. */
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

/** Serves /metrics; requests are counted by `recordRequest` (request-log.ts), on every route. */
export function useMetricsRoute(metrics: HubMetrics): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/metrics') {
        endResponse(new fetchAPI.Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
      }
    },
  };
}
