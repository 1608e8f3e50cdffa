import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { keyedHash } from '../../src/hub-keys/keyed-hash.ts';
import { pushFile, type PushOptions, type PushSummary } from '../../src/push/push-file.ts';
import { fixedToken, mintedTokens } from '../../src/push/token-source.ts';
import { registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SAMPLES = fileURLToPath(new URL('../fixtures/samples/', import.meta.url));
const ADAPTERS = fileURLToPath(new URL('../../adapters/', import.meta.url));
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const SUBJECT_KEY = Buffer.from('platform-a-subject-key-kept-on-the-platform', 'utf8');
const ORDERS = { file: 'platform-orders.json', adapter: 'platform-orders-json', party: 'platform-a' };
const INSPECTIONS = { file: 'recycler-inspections.csv', adapter: 'recycler-inspections-csv', party: 'recycler-a' };
const CATALOGUE = { file: 'brand-catalogue.csv', adapter: 'brand-catalogue-csv', party: 'brand-a' };

/* `push` over the hub's bulk path (transport 'bulk'): the same answers, counts and rejects as over GraphQL. */
describe('push with transport bulk (a real hub over HTTP)', () => {
  let hub: TestHub;
  let server: http.Server;
  let endpoint: string;
  let workDir: string;
  beforeAll(async () => {
    hub = await createTestHub();
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-push-bulk-'));
    for (const file of await fs.readdir(SAMPLES)) await fs.copyFile(path.join(SAMPLES, file), path.join(workDir, file));
    server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    await registerTestParty(hub, 'recycler-x', 'recycler');
  }, 300_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const push = (sample: typeof ORDERS, options: Partial<PushOptions> = {}): Promise<PushSummary> =>
    pushFile({
      adapter: sample.adapter,
      file: path.join(workDir, sample.file),
      endpoint,
      retry: FAST_RETRY,
      checkpoint: false,
      adapterOptions: { platform: 'platform-a', ...(sample === ORDERS ? { subjectKey: SUBJECT_KEY, recycler: 'recycler-a' } : {}) },
      tokens: mintedTokens(hub.keys.get(sample.party)!, { hubId: hub.config.hubId }),
      transport: 'bulk',
      ...options,
    });

  it('stores every row that maps cleanly, and answers a re-push over GraphQL as replayed', async () => {
    const first = await push(ORDERS);
    expect(first.accepted).toBe(3000);
    expect([first.replayed, first.conflicts]).toEqual([0, 0]);
    expect(Number((await sql<{ n: string }>`select count(*) as n from tickets`.execute(hub.app.database.db)).rows[0]!.n)).toBe(3000);
    const again = await push(ORDERS, { transport: 'graphql', rejectsFile: path.join(workDir, 'orders.again.rejects.csv') });
    expect(again).toMatchObject({ accepted: 0, replayed: 3000, rejected: first.rejected, rejectCodes: first.rejectCodes });
  });

  it("reports the hub's refusals per row with their codes (a recycler that does not hold the tickets: unauthorised)", async () => {
    const summary = await push(INSPECTIONS, { tokens: mintedTokens(hub.keys.get('recycler-x')!, { hubId: hub.config.hubId }) });
    expect(summary).toMatchObject({ accepted: 0, rejected: summary.read });
    expect(summary.rejectCodes['reference.ticket_not_found']).toBeGreaterThan(0);
    const rejects = await fs.readFile(summary.rejectsFile, 'utf8');
    expect(rejects).toContain(',hub,');
  });

  it('sends priced orders as tradein.v2 (to /bulk/tradein.v2), a v1 row between them in its own batch', async () => {
    const order = (n: number, priced: boolean) => ({
      订单号: `BULK-V2-${n}`,
      旧机品类: '冰箱',
      旧机品牌: '美的',
      旧机型号: 'BCD-516WKPZM',
      购买时间: '2022/1/10',
      回收时间: '2025/5/20 10:00:00',
      回收估价: '1850.00',
      回收方式: '线上邮寄',
      新机品类: '冰箱',
      ...(priced ? { 新机标价: '4999.00', 新机实付价: '3999.00' } : {}),
    });
    const file = path.join(workDir, 'priced-orders.json');
    await fs.writeFile(file, JSON.stringify({ orders: [order(1, true), order(2, true), order(3, false), order(4, true)] }));
    const summary = await push({ ...ORDERS, file: 'priced-orders.json' });
    expect(summary).toMatchObject({ read: 4, accepted: 4, rejected: 0, conflicts: 0, batches: 3 });
    const stored = [];
    for (let n = 1; n <= 4; n++) {
      const key = keyedHash(hub.app.secret, 'submission', 'platform-a', 'tradein', `BULK-V2-${n}`);
      const { rows } = await sql<{ version: number; list: string | null; paid: string | null }>`
        select s.version, r.new_purchase_list_price_fen::text as list, r.new_purchase_paid_price_fen::text as paid
        from submissions s join tickets t on t.id = s.ticket_id join records r on r.id = t.record_id
        where s.party_id = 'platform-a' and s.kind = 'tradein' and s.key_hash = ${key}`.execute(hub.app.database.db);
      stored.push(...rows);
    }
    const priced = { version: 2, list: '499900', paid: '399900' };
    expect(stored).toEqual([priced, priced, { version: 1, list: null, paid: null }, priced]);
  });

  it('sends the rows of a mapped-csv mapping declaring version 2 as tradein.v2, its price rejects by row and column', async () => {
    const fixture = path.join(ADAPTERS, 'mapped-csv/fixtures/example-tradeins-v2');
    const summary = await pushFile({
      adapter: 'mapped-csv',
      file: path.join(fixture, 'input.csv'),
      endpoint,
      retry: FAST_RETRY,
      checkpoint: false,
      rejectsFile: path.join(workDir, 'mapped-v2.rejects.csv'),
      adapterOptions: { mapping: parseYaml(await fs.readFile(path.join(fixture, 'mapping.yaml'), 'utf8')) },
      tokens: mintedTokens(hub.keys.get('platform-a')!, { hubId: hub.config.hubId }),
      transport: 'bulk',
    });
    expect(summary).toMatchObject({ read: 4, accepted: 2, rejected: 2, rejectCodes: { 'schema.required': 1, 'tradein.paid_above_list': 1 } });
    const rejects = await fs.readFile(summary.rejectsFile, 'utf8');
    expect(rejects).toContain('4,新品实付,/newPurchase/paidPriceFen,check,tradein.paid_above_list');
    const versions = [];
    for (const ref of ['MV-1', 'MV-2']) {
      const key = keyedHash(hub.app.secret, 'submission', 'platform-a', 'tradein', ref);
      const { rows } = await sql<{ version: number }>`
        select version from submissions where party_id = 'platform-a' and kind = 'tradein' and key_hash = ${key}`.execute(hub.app.database.db);
      versions.push(...rows.map((row) => row.version));
    }
    expect(versions).toEqual([2, 2]);
  });

  it('stops on a refused token and on a role that may not submit the kind, as over GraphQL', async () => {
    await expect(push(CATALOGUE, { tokens: fixedToken('not-a-token') })).rejects.toMatchObject({ code: 'push.unauthenticated' });
    await expect(push({ ...CATALOGUE, party: 'platform-a' })).rejects.toMatchObject({ code: 'push.forbidden' });
  });
});
