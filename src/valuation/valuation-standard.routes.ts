import type { Plugin } from 'graphql-yoga';
import { renderValuationStandardPage } from './valuation-standard-page.ts';
import type { ValuationStandard } from './valuation-standard.ts';

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The published valuation standard, public and without a token: `/valuation-standard.json` (the file as
 * kept in the repository) and `/valuation-standard` (the same as a page). Both are built once.
 */
export function useValuationStandardRoutes(standard: ValuationStandard): Plugin {
  const json = JSON.stringify(standard);
  const page = renderValuationStandardPage(standard);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/valuation-standard.json' && url.pathname !== '/valuation-standard') return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(
          new fetchAPI.Response('method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } }),
        );
      } else if (url.pathname === '/valuation-standard.json') {
        endResponse(new fetchAPI.Response(json, { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' } }));
      } else {
        endResponse(
          new fetchAPI.Response(page, {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': PAGE_CSP,
              'x-content-type-options': 'nosniff',
              'cache-control': 'public, max-age=300',
            },
          }),
        );
      }
    },
  };
}
