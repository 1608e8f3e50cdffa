import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBulk, type BulkRowResult } from '../../src/bulk/bulk-client.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

function tradeIn(i: number, overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    externalRef: `BULK-${i}`,
    category: 'television',
    brand: '海信',
    model: '65E3H',
    usageMonths: 40 + (i % 20),
    tradeInMonth: '2026-08',
    channel: 'in_store',
    quotedValuationFen: 66_000,
    ...overrides,
  });
}

describe('bulk NDJSON upload', () => {
  let hub: TestHub;
  let server: Server;
  let hubUrl: string;
  beforeAll(async () => {
    hub = await createTestHub();
    server = createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  });

  it('stores 2,500 lines in chunks and answers every line, streaming', async () => {
    const results: BulkRowResult[] = [];
    const lines = Array.from({ length: 2500 }, (_, i) => tradeIn(i));
    const summary = await uploadBulk({ hubUrl, token: await hub.token('platform-a'), kind: 'tradein', lines, onResult: (r) => results.push(r) });
    expect(summary).toEqual({ lines: 2500, accepted: 2500, rejected: 0, conflicts: 0 });
    expect(results.map((r) => r.line)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(results.every((r) => r.status === 'accepted' && typeof r.ticket === 'string')).toBe(true);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ingest_batches where channel = 'bulk'`.execute(hub.app.database.db);
    expect(rows[0]!.n).toBe(3);
  });

  it('answers bad lines with their line number and stores their neighbours (denied twin)', async () => {
    const results: BulkRowResult[] = [];
    const lines = [tradeIn(9001), '{not json', '', tradeIn(9002, { model: '65E3H 13912345678' }), tradeIn(9003)];
    const summary = await uploadBulk({ hubUrl, token: await hub.token('platform-a'), kind: 'tradein', lines, onResult: (r) => results.push(r) });
    expect(summary).toEqual({ lines: 4, accepted: 2, rejected: 2, conflicts: 0 });
    expect(results.map((r) => [r.line, r.status])).toEqual([
      [1, 'accepted'],
      [2, 'rejected'],
      [4, 'rejected'],
      [5, 'accepted'],
    ]);
    expect(results[1]!.errors![0]!.code).toBe('bulk.invalid_json');
    expect(results[2]!.errors).toContainEqual(expect.objectContaining({ path: '/model', code: 'pii.cn_mobile' }));
    expect(JSON.stringify(results)).not.toContain('13912345678');
  });

  it('stores nothing twice when the same file is sent again', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => tradeIn(20_000 + i));
    const token = await hub.token('platform-a');
    await uploadBulk({ hubUrl, token, kind: 'tradein', lines, onResult: () => {} });
    const before = await sql<{ n: number }>`select count(*)::int as n from records`.execute(hub.app.database.db);
    const replays: BulkRowResult[] = [];
    await uploadBulk({ hubUrl, token, kind: 'tradein', lines, onResult: (r) => replays.push(r) });
    const after = await sql<{ n: number }>`select count(*)::int as n from records`.execute(hub.app.database.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect(replays.every((r) => r.status === 'accepted' && r.replayed === true)).toBe(true);
  });

  it('refuses a bad token with 401 and a party of the wrong role with 403', async () => {
    await expect(uploadBulk({ hubUrl, token: 'nope', kind: 'tradein', lines: [tradeIn(1)], onResult: () => {} })).rejects.toMatchObject({
      status: 401,
      code: 'token_malformed',
    });
    await expect(uploadBulk({ hubUrl, token: await hub.token('brand-a'), kind: 'tradein', lines: [tradeIn(1)], onResult: () => {} })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden.role',
    });
  });
});
