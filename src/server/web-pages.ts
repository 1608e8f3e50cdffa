import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { unboundedMeasures } from '../insights/dp/dp-measures.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import { echoSafeUrlPath } from '../privacy/property-path.ts';
import type { PurposeTerms } from '../web/shared/purpose-terms.ts';
import { safeErrorSummary } from './logger.ts';
import { projectFile } from '../project-root.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Where `npm run build:web` (src/web/build-web.ts) writes the pages. */
export const WEB_BUILD_DIR = fileURLToPath(projectFile('dist/web'));

const PAGES: Readonly<Record<string, string>> = { '/consent': 'consent/index.html', '/insights': 'insights/index.html' };
/** Vite's hashed bundles: a flat folder of names made of these characters, so no path can climb out. */
const ASSET_PATH = /^\/web\/assets\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(js|css|svg|png|woff2))$/;
const ASSET_TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

/**
 * The pages' own scripts and styles only, and no way to send data anywhere but this hub. The token the
 * pages hold is in memory and session storage, so an injected script is what this keeps out.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** Each purpose's public terms for the pages: what the dashboard may ask for before it asks. */
export function purposeTermsOf(policies: PolicySet): PurposeTerms[] {
  const terms: PurposeTerms[] = [];
  for (const policy of policies.values()) {
    if (policy.status !== 'allowed') continue;
    const dp = policy.differentialPrivacy;
    terms.push({
      purpose: policy.id,
      policyVersion: policy.version,
      title: policy.title,
      description: policy.description,
      legalBasis: policy.legalBasis,
      rolesAllowed: [...policy.rolesAllowed],
      dimensions: [...policy.dimensions],
      measures: [...policy.measures],
      releasableMeasures: dp === undefined ? [...policy.measures] : policy.measures.filter((m) => !unboundedMeasures([m], dp.bounds).includes(m)),
      minGroupSize: policy.minGroupSize,
      differentialPrivacy: dp === undefined ? null : { epsilonPerQuery: dp.epsilonPerQuery, monthlyBudget: dp.monthlyBudget },
      pricePerSubjectFen: policy.pricePerSubjectFen,
      usersShareBp: policy.revenueSplitBp.users,
    });
  }
  return terms;
}

export interface WebPagesDeps {
  policies: PolicySet;
  logger: Logger;
  /** The built pages; defaults to dist/web. */
  dir?: string;
}

/**
 * Serves the built web pages in front of `next`: `/consent` and `/insights` (HTML), `/web/assets/*`
 * (hashed, cached for a year) and `/web/purposes.json` (the policies' public terms). No authentication: the
 * pages are public and call /graphql with the bearer token they read from their URL fragment, which
 * browsers never send, so no token reaches this handler or its log line. Everything else goes to `next`.
 */
export function withWebPages(next: NodeHandler, deps: WebPagesDeps): NodeHandler {
  const dir = deps.dir ?? WEB_BUILD_DIR;
  const purposes = JSON.stringify(purposeTermsOf(deps.policies));
  return (req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    const page = PAGES[pathname];
    const asset = ASSET_PATH.exec(pathname);
    const pageWithSlash = PAGES[pathname.replace(/\/$/, '')] !== undefined && pathname.endsWith('/');
    if (page === undefined && asset === null && pathname !== '/web/purposes.json' && !pageWithSlash) {
      next(req, res);
      return;
    }
    const started = performance.now();
    const respond = (status: number, headers: Record<string, string>, body: string | Buffer) => {
      res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
      deps.logger.info(
        { event: 'http.request', method: req.method, path: echoSafeUrlPath(pathname), status, ms: Math.round(performance.now() - started) },
        'request',
      );
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      respond(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'method not allowed\n');
      return;
    }
    if (pageWithSlash) {
      // The fragment (and its token) survives a redirect: browsers carry it over to the new location.
      respond(308, { location: pathname.replace(/\/$/, ''), 'content-type': 'text/plain; charset=utf-8' }, '');
      return;
    }
    if (pathname === '/web/purposes.json') {
      respond(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }, purposes);
      return;
    }
    const file = page !== undefined ? path.join(dir, page) : path.join(dir, 'assets', asset![1]!);
    fs.readFile(file).then(
      (body) => {
        if (page !== undefined) respond(200, PAGE_HEADERS, body);
        else
          respond(
            200,
            { 'content-type': ASSET_TYPES[asset![2]!]!, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
            body,
          );
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') deps.logger.error({ event: 'web.read_failed', err: safeErrorSummary(error) }, 'web page could not be read');
        if (page !== undefined) {
          // The pages were never built (a checkout started without `npm install`/`npm start`): say how.
          respond(
            503,
            { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
            'The web pages are not built. Run `npm run build:web` (npm install and npm start do it), then reload.\n',
          );
        } else {
          respond(404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found\n');
        }
      },
    );
  };
}
