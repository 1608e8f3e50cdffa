import { Lexer, Source, TokenKind } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS } from '../../src/server/graphql-limits.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { tradeInDocument as tradeIn } from '../support/documents.ts';

// Every limit below is shown twice: a request exactly at the limit runs, one step past it is refused with
// nothing executed. "Ran" is read from the database, not from the response: every `insights` call writes one
// access-log row (a platform is denied and the denial is logged) and every submit call writes one
// ingest_batches row, even for an empty batch. So a refused request that leaves both counts unchanged ran no
// resolver.
const PROBE = 'insights(purpose: "product-rnd", groupBy: [brand], measures: [count]) { __typename }';

function tokenCount(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

describe('GraphQL limits', () => {
  let hub: TestHub;
  let platform: string;

  beforeAll(async () => {
    hub = await createTestHub();
    platform = await hub.token('platform-a');
  });
  afterAll(async () => hub.close());

  async function count(table: 'access_log' | 'ingest_batches' | 'submissions'): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(hub.app.database.db);
    return rows[0]!.n;
  }

  /** Runs `query`; returns the response and how many resolver runs the database saw. */
  async function run(query: string, variables: Record<string, unknown> = {}) {
    const before = { log: await count('access_log'), batches: await count('ingest_batches') };
    const response = await hub.graphql(query, variables, platform);
    return { ...response, probes: (await count('access_log')) - before.log, submits: (await count('ingest_batches')) - before.batches };
  }

  function expectRefused(result: { status: number; body: any; probes: number; submits: number }, limit: string, max: number) {
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit, max });
    expect(result.probes + result.submits).toBe(0);
  }

  it('runs a query nested exactly maxDepth fields deep and refuses one level more before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxDepth).toBe(6);
    // The schema has no recursive type; introspection's ofType chain is the way to nest deeper.
    const atLimit = `{ ${PROBE} __type(name: "Query") { fields { type { ofType { ofType { name } } } } } }`;
    const ok = await run(atLimit);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.probes).toBe(1);
    expectRefused(await run(atLimit.replace('ofType { name }', 'ofType { ofType { name } }')), 'depth', 6);
  });

  it('does not count fragments as depth', async () => {
    const nested = `{ ... on Query { ... on Query { ... on Query { ... on Query { ... on Query { ... on Query { ... on Query { ${PROBE} } } } } } } } }`;
    const ok = await run(nested);
    expect(ok.status).toBe(200);
    expect(ok.probes).toBe(1);
  });

  it('runs maxAliases aliased fields and refuses one more before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxAliases).toBe(10);
    const aliases = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `a${i}: submitTradeIns(documents: []) { __typename }`).join(' ')} }`;
    const ok = await run(aliases(10));
    expect(ok.status).toBe(200);
    expect(ok.submits).toBe(10);
    expectRefused(await run(aliases(11)), 'aliases', 10);
  });

  it('runs an operation costing exactly maxCost and refuses one costing one more before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxCost).toBe(50_000);
    // graphql-armor's cost: an object field is 2 plus 1.5 × its children, a scalar 1, times a literal first:.
    // insights { __typename __typename } = 2 + 1.5 × 2 = 5; accessLog(first: 500) { 65 × __typename } =
    // 500 × (2 + 1.5 × 65) = 49,750; each root __typename 1.
    const query = (rootTypenames: number) => `{
      insights(purpose: "product-rnd", groupBy: [brand], measures: [count]) { __typename __typename }
      accessLog(first: 500) { ${'__typename '.repeat(65)} }
      ${'__typename '.repeat(rootTypenames)}
    }`;
    expect(tokenCount(query(246))).toBeLessThan(GRAPHQL_LIMITS.maxTokens);
    const ok = await run(query(245));
    expect(ok.status).toBe(200);
    expect(ok.body.data.accessLog.__typename).toBe('Forbidden');
    expect(ok.probes).toBe(1);
    expectRefused(await run(query(246)), 'cost', 50_000);
  });

  it('runs a query of exactly maxTokens tokens and refuses one token more while parsing', async () => {
    expect(GRAPHQL_LIMITS.maxTokens).toBe(1_000);
    // Padded with enum values in groupBy (one token each): a thousand identical fields would instead trip
    // graphql-js's own budget for comparing overlapping fields.
    const padded = (tokens: number) => {
      const base = tokenCount(PROBE.replace('[brand]', '[]')) + 2;
      return `{ ${PROBE.replace('[brand]', `[${'brand '.repeat(tokens - base)}]`)} }`;
    };
    expect(tokenCount(padded(1_000))).toBe(1_000);
    const ok = await run(padded(1_000));
    expect(ok.status).toBe(200);
    expect(ok.probes).toBe(1);
    expectRefused(await run(padded(1_001)), 'tokens', 1_000);
  });

  it('runs an operation with exactly maxDirectives directives and refuses one more before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxDirectives).toBe(10);
    const query = (n: number) => `{ ${PROBE.replace(' {', ' @include(if: true) {')} ${'__typename @skip(if: false) '.repeat(n - 1)}}`;
    const ok = await run(query(10));
    expect(ok.status).toBe(200);
    expect(ok.probes).toBe(1);
    expectRefused(await run(query(11)), 'directives', 10);
  });

  it('runs first: maxFirst and refuses first: maxFirst + 1 (variable or literal, at any depth) before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxFirst).toBe(500);
    const query = `query ($first: Int) { ${PROBE} mySubmissions(first: $first) { __typename } }`;
    const ok = await run(query, { first: 500 });
    expect(ok.status).toBe(200);
    expect(ok.body.data.mySubmissions.__typename).toBe('SubmissionConnection');
    expect(ok.probes).toBe(1);
    const refused = await run(query, { first: 501 });
    expectRefused(refused, 'first', 500);
    expect(refused.body.errors[0].extensions).toMatchObject({ field: 'mySubmissions', argument: 'first' });
    const nested = await run(`{ ${PROBE} me { ... on Me { records(first: 501) { brand } } } }`);
    expectRefused(nested, 'first', 500);
    expect(nested.body.errors[0].extensions.field).toBe('records');
  });

  it('runs a list argument of maxListItems items and refuses one more, also inside an input object, before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxListItems).toBe(1_000);
    const query =
      'query ($groupBy: [InsightDimension!]!, $filter: InsightFilter) { insights(purpose: "product-rnd", groupBy: $groupBy, measures: [count], filter: $filter) { __typename } }';
    const ok = await run(query, { groupBy: Array.from({ length: 1_000 }, () => 'brand'), filter: { model: Array.from({ length: 1_000 }, (_, i) => `M${i}`) } });
    expect(ok.status).toBe(200);
    expect(ok.probes).toBe(1);
    const tooMany = await run(query, { groupBy: Array.from({ length: 1_001 }, () => 'brand') });
    expectRefused(tooMany, 'list_items', 1_000);
    expect(tooMany.body.errors[0].extensions.argument).toBe('groupBy');
    const tooManyInFilter = await run(query, { groupBy: ['brand'], filter: { model: Array.from({ length: 1_001 }, (_, i) => `M${i}`) } });
    expectRefused(tooManyInFilter, 'list_items', 1_000);
    expect(tooManyInFilter.body.errors[0].extensions.argument).toBe('filter.model');
  });

  it('runs a document nested maxJsonDepth levels deep and refuses one level more before any resolver', async () => {
    expect(GRAPHQL_LIMITS.maxJsonDepth).toBe(32);
    // The document is level 1; `spec` adds arrays down to the wanted depth.
    const nested = (levels: number) => {
      let spec: unknown = [];
      for (let level = 3; level <= levels; level += 1) spec = [spec];
      return { ...tradeIn('DEEP-1'), spec };
    };
    const submit = 'mutation ($d: [JSON!]!) { submitTradeIns(documents: $d) { ... on SubmissionBatch { results { __typename } } } }';
    const ok = await run(submit, { d: [nested(32)] });
    expect(ok.status).toBe(200);
    // Run, and refused per document by the schema (spec must be an object), as any malformed document is.
    expect(ok.body.data.submitTradeIns.results).toEqual([{ __typename: 'SubmissionRejected' }]);
    expect(ok.submits).toBe(1);
    const refused = await run(submit, { d: [nested(33)] });
    expectRefused(refused, 'json_depth', 32);
    expect(refused.body.errors[0].extensions.argument).toBe('documents');
    // Far deeper than the privacy walker's own bound: still a typed refusal, never an unexpected error.
    expectRefused(await run(submit, { d: [nested(1_000)] }), 'json_depth', 32);
  });

  it('stores a batch of HUB_MAX_BATCH_SIZE documents and answers one more with BatchTooLarge, storing and logging nothing', async () => {
    expect(hub.config.maxBatchSize).toBe(1_000);
    const submit =
      'mutation ($d: [JSON!]!) { submitTradeIns(documents: $d) { __typename ... on SubmissionBatch { accepted } ... on BatchTooLarge { code limit received } } }';
    const before = await count('submissions');
    const ok = await run(submit, { d: Array.from({ length: 1_000 }, (_, i) => tradeIn(`LIMIT-OK-${i}`)) });
    expect(ok.body.data.submitTradeIns).toEqual({ __typename: 'SubmissionBatch', accepted: 1_000 });
    expect(await count('submissions')).toBe(before + 1_000);
    expect(ok.submits).toBe(1);
    const tooLarge = await run(submit, { d: Array.from({ length: 1_001 }, (_, i) => tradeIn(`LIMIT-BIG-${i}`)) });
    expect(tooLarge.body.data.submitTradeIns).toEqual({ __typename: 'BatchTooLarge', code: 'batch.too_large', limit: 1_000, received: 1_001 });
    // The resolver refused before ingest started: no batch row (written for every ingest, even an empty one).
    expect(tooLarge.submits).toBe(0);
    expect(await count('submissions')).toBe(before + 1_000);
  });

  describe('request bodies', () => {
    const emptySubmit = JSON.stringify({ query: 'mutation { submitTradeIns(documents: []) { __typename } }' });
    /** The empty-batch mutation, padded with JSON whitespace to exactly `bytes` bytes. */
    const bodyOf = (bytes: number) => `${emptySubmit.slice(0, -1)}${' '.repeat(bytes - emptySubmit.length)}}`;

    async function post(body: BodyInit, headers: Record<string, string>) {
      const before = await count('ingest_batches');
      const response = await hub.app.yoga.fetch('http://hub.test/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${platform}`, ...headers },
        body,
        ...({ duplex: 'half' } as object),
      });
      return { status: response.status, text: await response.text(), submits: (await count('ingest_batches')) - before };
    }

    function streamOf(text: string): ReadableStream<Uint8Array> {
      const bytes = new TextEncoder().encode(text);
      let offset = 0;
      return new ReadableStream({
        pull(controller) {
          if (offset >= bytes.length) return controller.close();
          controller.enqueue(bytes.subarray(offset, offset + 65_536));
          offset += 65_536;
        },
      });
    }

    it('runs a body of exactly maxRequestBodyBytes and answers 413 to one byte more, with or without Content-Length', async () => {
      const max = GRAPHQL_LIMITS.maxRequestBodyBytes;
      expect(max).toBe(4 * 1024 * 1024);
      expect(Buffer.byteLength(bodyOf(max))).toBe(max);
      const json = { 'content-type': 'application/json' };
      const ok = await post(bodyOf(max), { ...json, 'content-length': String(max) });
      expect(ok.status).toBe(200);
      expect(ok.submits).toBe(1);
      const declared = await post(bodyOf(max + 1), { ...json, 'content-length': String(max + 1) });
      expect(declared.status).toBe(413);
      expect(declared.submits).toBe(0);
      // Chunked: no Content-Length, so the limit is counted while the body streams in.
      const streamedOk = await post(streamOf(bodyOf(max)), json);
      expect(streamedOk.status).toBe(200);
      expect(streamedOk.submits).toBe(1);
      const streamed = await post(streamOf(bodyOf(max + 1)), json);
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
      expect(streamed.submits).toBe(0);
    });

    it('refuses a batched request (an array of operations) before any resolver', async () => {
      const single = JSON.parse(emptySubmit);
      const batched = await post(JSON.stringify([single]), { 'content-type': 'application/json' });
      expect(batched.status).toBe(400);
      expect(JSON.parse(batched.text).errors[0].message).toMatch(/batching is not supported/i);
      expect(batched.submits).toBe(0);
    });

    it('refuses bodies a browser may send cross-site without a preflight (CSRF) before any resolver', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const refused = await post(type.startsWith('application/x-www') ? `query=${encodeURIComponent(JSON.parse(emptySubmit).query)}` : emptySubmit, {
          'content-type': type,
        });
        expect(refused.status, type).toBe(403);
        expect(refused.submits, type).toBe(0);
      }
      const viaGet = await hub.app.yoga.fetch(`http://hub.test/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, {
        headers: { authorization: `Bearer ${platform}` },
      });
      expect(viaGet.status).toBe(403);
      const withHeader = await hub.app.yoga.fetch(`http://hub.test/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, {
        headers: { authorization: `Bearer ${platform}`, 'x-graphql-yoga-csrf': '1' },
      });
      expect(withHeader.status).toBe(200);
      expect((await withHeader.json()).data.viewer.kind).toBe('party');
      const json = await post(emptySubmit, { 'content-type': 'application/json; charset=utf-8' });
      expect(json.status).toBe(200);
      expect(json.submits).toBe(1);
    });
  });

  it('masks an unexpected error, even in development, and answers 503 when it is the database being down', async () => {
    const broken = await createTestHub();
    const token = await broken.token('platform-a');
    // The token is verified (and cached) while the database answers; then the database goes away under the resolver.
    expect((await broken.graphql('{ viewer { kind } }', {}, token)).status).toBe(200);
    await broken.app.database.db.destroy();
    const response = await broken.app.yoga.fetch('http://hub.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ mySubmissions { __typename } }' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = await response.json();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(JSON.stringify(body)).not.toMatch(/pglite|pool|closed|destroy|stack|at /i);
    await broken.close();
  });
});

describe('GraphQL in production mode', () => {
  let production: TestHub;
  let development: TestHub;
  let platform: string;

  beforeAll(async () => {
    [production, development] = await Promise.all([createTestHub({ env: { NODE_ENV: 'production' } }), createTestHub()]);
    platform = await production.token('platform-a');
  });
  afterAll(async () => Promise.all([production.close(), development.close()]));

  it('refuses introspection and still answers __typename', async () => {
    expect(production.config.mode).toBe('production');
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { name } }']) {
      const { body } = await production.graphql(query, {}, platform);
      expect(body.errors[0].message).toMatch(/introspection/i);
      expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.data).toBeUndefined();
    }
    expect((await production.graphql('{ __typename }', {}, platform)).body.data).toEqual({ __typename: 'Query' });
    const dev = await development.graphql('{ __schema { queryType { name } } }', {}, await development.token('platform-a'));
    expect(dev.body.data.__schema.queryType.name).toBe('Query');
  });

  it('serves no GraphiQL page', async () => {
    const page = (hub: TestHub) => hub.app.yoga.fetch('http://hub.test/graphql', { headers: { accept: 'text/html' } });
    const prod = await page(production);
    expect(prod.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await prod.text()).not.toMatch(/graphiql/i);
    const dev = await page(development);
    expect(dev.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('suggests no field, argument or enum value names', async () => {
    const typo = '{ viewr { kind } }';
    const enumTypo = 'query ($g: [InsightDimension!]!) { insights(purpose: "product-rnd", groupBy: $g, measures: [count]) { __typename } }';
    const prod = await production.graphql(typo, {}, platform);
    // The unknown name is the client's own text, so it is not quoted back either (echo-free-errors.ts).
    expect(prod.body.errors[0].message).toBe('Cannot query field "…" on type "Query".');
    expect(prod.body.errors[0].message).not.toMatch(/did you mean|viewer/i);
    const prodEnum = await production.graphql(enumTypo, { g: ['brnd'] }, platform);
    expect(prodEnum.body.errors[0].message).toMatch(/InsightDimension/);
    expect(prodEnum.body.errors[0].message).not.toMatch(/did you mean|"brand"/i);
    // The twin: development keeps the suggestions that help people write queries.
    const dev = await development.graphql(typo, {}, await development.token('platform-a'));
    expect(dev.body.errors[0].message).toMatch(/Did you mean "viewer"\?/);
  });
});
