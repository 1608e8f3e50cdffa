import type { Plugin } from 'graphql-yoga';
import type { Db } from '../db/database.ts';
import { renderFirmListPage } from './firm-list-page.ts';
import { publicFirmList } from './firms.service.ts';

/** A page with no script and one inline style sheet; it sends nothing anywhere. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The public list of participating firms, outside GraphQL and without a token (the programme publishes
 * it): `/firms.json` (`{ firms: [{ name, capacities, status }] }`) and `/firms` (the same as a page). Read
 * from the registry on each request, so a suspension shows at once; it is a small reference table.
 */
export function useFirmListRoutes(db: Db): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/firms.json' && url.pathname !== '/firms') return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(
          new fetchAPI.Response('method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } }),
        );
        return;
      }
      const firms = await publicFirmList(db);
      if (url.pathname === '/firms.json') {
        endResponse(
          new fetchAPI.Response(JSON.stringify({ firms }), { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' } }),
        );
      } else {
        endResponse(
          new fetchAPI.Response(renderFirmListPage(firms), {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': PAGE_CSP,
              'x-content-type-options': 'nosniff',
              'cache-control': 'no-cache',
            },
          }),
        );
      }
    },
  };
}
