import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicies, SHIPPED_POLICIES_DIR } from '../../src/policy/load-policies.ts';
import type { AllowedPolicy, PolicySet } from '../../src/policy/policy.types.ts';
import { createLogger } from '../../src/server/logger.ts';
import { purposeTermsOf, withWebPages } from '../../src/server/web-pages.ts';
import type { PurposeTerms } from '../../src/web/shared/purpose-terms.ts';

/** Serves a handler over real HTTP on a free port; `fallthrough` answers whatever the pages do not. */
async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A GET whose path is sent exactly as written (fetch would resolve `..` before sending). */
function rawGet(base: string, rawPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${rawPath}`, { path: rawPath }, (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => (body += chunk))
          .on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('web pages (src/server/web-pages.ts)', () => {
  let buildDir: string;
  let built: { url: string; close(): Promise<void> };
  let unbuilt: { url: string; close(): Promise<void> };
  const fellThrough: string[] = [];

  beforeAll(async () => {
    buildDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-hub-web-'));
    await fs.mkdir(path.join(buildDir, 'consent'), { recursive: true });
    await fs.mkdir(path.join(buildDir, 'insights'));
    await fs.mkdir(path.join(buildDir, 'assets'));
    await fs.writeFile(path.join(buildDir, 'consent', 'index.html'), '<!doctype html><title>consent</title>');
    await fs.writeFile(path.join(buildDir, 'insights', 'index.html'), '<!doctype html><title>insights</title>');
    await fs.writeFile(path.join(buildDir, 'assets', 'consent-AbC_12.js'), 'console.log(1);');
    await fs.writeFile(path.join(buildDir, 'secret.txt'), 'not an asset');
    const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
    const next: http.RequestListener = (req, res) => {
      fellThrough.push(req.url ?? '');
      res.writeHead(404).end('from next');
    };
    const logger = createLogger('silent');
    built = await listen(withWebPages(next, { policies, logger, dir: buildDir }));
    unbuilt = await listen(withWebPages(next, { policies, logger, dir: path.join(buildDir, 'missing') }));
  });
  afterAll(async () => {
    await built.close();
    await unbuilt.close();
    await fs.rm(buildDir, { recursive: true, force: true });
  });

  it('serves /consent and /insights as HTML under a policy that allows only their own scripts', async () => {
    for (const page of ['consent', 'insights']) {
      const response = await fetch(`${built.url}/${page}?lang=en`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`<title>${page}</title>`);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('redirects a trailing slash to the page, and serves hashed assets as immutable', async () => {
    const redirect = await fetch(`${built.url}/consent/`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/consent');
    const asset = await fetch(`${built.url}/web/assets/consent-AbC_12.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1);');
    expect((await fetch(`${built.url}/web/assets/missing.js`)).status).toBe(404);
  });

  it('refuses other methods, and hands every other path — including ones climbing out of the assets — to the next handler', async () => {
    const post = await fetch(`${built.url}/consent`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    fellThrough.length = 0;
    const paths = ['/web/assets/../secret.txt', '/web/assets/..%2fsecret.txt', '/web/assets/%2e%2e%2fsecret.txt', '/web/secret.txt', '/consentx', '/graphql'];
    for (const rawPath of paths) expect(await rawGet(built.url, rawPath), rawPath).toBe('from next');
    expect(fellThrough).toEqual(paths);
  });

  it('publishes the purposes’ terms, with what differential privacy cannot release left out', async () => {
    const terms = (await (await fetch(`${built.url}/web/purposes.json`)).json()) as PurposeTerms[];
    const byId = new Map(terms.map((t) => [t.purpose, t]));
    expect(byId.has('resale')).toBe(false);
    expect(byId.get('product-rnd')).toMatchObject({
      minGroupSize: 10,
      pricePerSubjectFen: 8,
      usersShareBp: 5000,
      differentialPrivacy: { epsilonPerQuery: 1, monthlyBudget: 100 },
    });
    // The shipped policies bound every input their measures read, so every measure has a noisy form.
    expect(byId.get('product-rnd')!.releasableMeasures).toEqual(byId.get('product-rnd')!.measures);
    const recycling = byId.get('recycling-optimization')!;
    expect(recycling.differentialPrivacy).toEqual({ epsilonPerQuery: 1, monthlyBudget: 100 });
    expect(recycling.releasableMeasures).toEqual(recycling.measures);
    const shipped = await loadPolicies(SHIPPED_POLICIES_DIR);
    expect(purposeTermsOf(shipped)).toEqual(terms);
    // A policy that leaves an input unbounded: the measure reading it is published as not releasable.
    const policy = shipped.get('recycling-optimization') as AllowedPolicy;
    const { valuationFen: _dropped, ...bounds } = policy.differentialPrivacy!.bounds;
    const unbounded = new Map([['recycling-optimization', { ...policy, differentialPrivacy: { ...policy.differentialPrivacy!, bounds } }]]) as PolicySet;
    const [unboundedTerms] = purposeTermsOf(unbounded);
    expect(unboundedTerms!.measures).toContain('valuationP50');
    expect(unboundedTerms!.releasableMeasures).not.toContain('valuationP50');
  });

  it('says how to build the pages when they were never built, instead of a bare 404', async () => {
    const response = await fetch(`${unbuilt.url}/consent`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
