import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBulk, type BulkRowResult } from '../../src/bulk/bulk-client.ts';
import { pushFile } from '../../src/push/push-file.ts';
import { fixedToken } from '../../src/push/token-source.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

// issue #15 item 7: the same trade-ins sent as tradein.v1 to one hub and as tradein.v2 (with the new
// purchase's prices) to another are stored in one shape and answer alike — records, regulatory statistics,
// the monthly report — except the price fields, through GraphQL, /bulk and push alike.

const SECRET = randomBytes(32);
const CATEGORIES = ['refrigerator', 'television', 'washing_machine', 'air_conditioner'] as const;
const BRANDS: Record<(typeof CATEGORIES)[number], [string, string]> = {
  refrigerator: ['海尔', 'BCD-470WDPG'],
  television: ['海信', '65E3H'],
  washing_machine: ['海尔', 'EC6001-MC3'],
  air_conditioner: ['格力', 'KFR-35GW'],
};

/** Trade-in i as tradein.v1; every third comes without a new purchase (and then without a subsidy). */
function tradeInV1(prefix: string, i: number): Record<string, unknown> {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const [brand, model] = BRANDS[category];
  const document: Record<string, unknown> = {
    externalRef: `${prefix}-${i}`,
    category,
    brand,
    model,
    usageMonths: 20 + i,
    tradeInMonth: '2026-11',
    regionCode: i % 2 === 0 ? '320200' : '440300',
    channel: i % 2 === 0 ? 'online' : 'in_store',
    quotedValuationFen: 50_000 + i * 1_000,
  };
  if (i % 3 !== 2) {
    document.subsidyFen = 20_000 + i * 100;
    document.newPurchase = { category, energyGrade: 1 };
  }
  return document;
}

const listPrice = (i: number) => 400_000 + i * 10_000;
const paidPrice = (i: number) => listPrice(i) - 30_000 - i * 100;

/** The same trade-in as tradein.v2: its new purchase states the prices. */
function tradeInV2(prefix: string, i: number): Record<string, unknown> {
  const document = tradeInV1(prefix, i);
  if (document.newPurchase !== undefined)
    document.newPurchase = { ...(document.newPurchase as object), listPriceFen: listPrice(i), paidPriceFen: paidPrice(i) };
  return document;
}

/** Platform-orders rows (the adapter's native export) for push; prices present make them tradein.v2. */
function orderRows(prefix: string, from: number, to: number, priced: boolean): Record<string, string>[] {
  const words: Record<string, string> = { refrigerator: '冰箱', television: '电视', washing_machine: '洗衣机', air_conditioner: '空调' };
  const rows: Record<string, string>[] = [];
  for (let i = from; i < to; i++) {
    const d = tradeInV1(prefix, i);
    const hasPurchase = d.newPurchase !== undefined;
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    rows.push({
      订单号: String(d.externalRef),
      旧机品类: words[String(d.category)]!,
      旧机品牌: String(d.brand),
      旧机型号: String(d.model),
      // usageMonths 20 + i: bought that many months before 2026-11-15.
      购买时间: new Date(Date.UTC(2026, 10 - (20 + i), 15)).toISOString().slice(0, 10),
      回收时间: '2026-11-15',
      回收估价: yuan(Number(d.quotedValuationFen)),
      国补金额: hasPurchase ? yuan(Number(d.subsidyFen)) : '',
      新机品类: hasPurchase ? words[String(d.category)]! : '',
      新机能效等级: hasPurchase ? '1级' : '',
      ...(priced && hasPurchase ? { 新机标价: yuan(listPrice(i)), 新机实付价: yuan(paidPrice(i)) } : {}),
      省份: i % 2 === 0 ? '江苏省' : '广东省',
      城市: i % 2 === 0 ? '无锡市' : '深圳市',
      回收方式: i % 2 === 0 ? '线上邮寄' : '门店回收',
    });
  }
  return rows;
}

const SUBMIT = `mutation($d: [JSON!]!, $v: Int) { submitTradeIns(documents: $d, version: $v) {
  __typename
  ... on SubmissionBatch { version deprecation { kind version acceptedUntil successor } results { __typename ... on SubmissionRejected { errors { path code message } } } }
  ... on DocumentVersionNotAccepted { code message kind version acceptedUntil successor }
  ... on HubError { code message }
} }`;

const STATISTICS = `query { regulatoryStatistics(fromMonth: "2026-11", toMonth: "2026-11") {
  __typename ... on RegulatoryStatistics { minGroupSize suppressedCells rows { month category province tradeIns inspections dismantledUnits } } } }`;

const REPORT = `query { monthlyReport(month: "2026-11") { __typename ... on MonthlyReport {
  sales { withheldCells rows { partyId withheld figures { tradeIns newPurchases subsidyFen pricedPurchases unpricedPurchases listPriceFen paidPriceFen discountFen subsidyAboveDiscount } }
    total { tradeIns newPurchases subsidyFen pricedPurchases unpricedPurchases listPriceFen paidPriceFen discountFen subsidyAboveDiscount } } } } }`;

const N = 24;

interface VersionedHub {
  hub: TestHub;
  server: Server;
  url: string;
}

async function startHub(now: () => Date): Promise<VersionedHub> {
  const hub = await createTestHub({ now, secret: SECRET });
  const server = createServer(hub.app.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { hub, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Sends trade-ins 0–7 by GraphQL, 8–15 by /bulk and 16–23 by push, all as `version`. */
async function ingestAll(target: VersionedHub, version: 1 | 2, workDir: string): Promise<void> {
  const { hub, url } = target;
  const make = version === 1 ? tradeInV1 : tradeInV2;
  const token = await hub.token('platform-a');
  const graphql = Array.from({ length: 8 }, (_, i) => make('TI', i));
  const { body } = await hub.graphql(SUBMIT, { d: graphql, ...(version === 1 ? {} : { v: 2 }) }, token);
  expect(body.data.submitTradeIns.results.map((r: { __typename: string }) => r.__typename)).toEqual(graphql.map(() => 'SubmissionAccepted'));
  expect(body.data.submitTradeIns.version).toBe(version);

  const results: BulkRowResult[] = [];
  const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify(make('TI', 8 + i)));
  const summary = await uploadBulk({ hubUrl: url, token, kind: 'tradein', ...(version === 1 ? {} : { version: 2 }), lines, onResult: (r) => results.push(r) });
  expect(summary).toEqual({ lines: 8, accepted: 8, rejected: 0, conflicts: 0 });

  const file = path.join(workDir, `orders-v${version}.json`);
  await fs.writeFile(file, JSON.stringify({ orders: orderRows('TI', 16, N, version === 2) }));
  const pushed = await pushFile({
    adapter: 'platform-orders-json',
    file,
    adapterOptions: {},
    endpoint: `${url}/graphql`,
    tokens: fixedToken(token),
    checkpoint: false,
  });
  expect(pushed).toMatchObject({ read: 8, accepted: 8, rejected: 0, conflicts: 0 });
}

/** Every record's stored columns, in the order of the trade-ins (quoted valuations are distinct). */
async function records(hub: TestHub): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select r.*, t.platform_id from records r join tickets t on t.record_id = r.id order by r.quoted_valuation_fen`.execute(hub.app.database.db);
  return rows;
}

const PRICE_COLUMNS = ['new_purchase_list_price_fen', 'new_purchase_paid_price_fen'];
const withoutPrices = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).filter(([column]) => !['id', 'created_at', ...PRICE_COLUMNS].includes(column)));
const PRICE_FIGURES = ['pricedPurchases', 'unpricedPurchases', 'listPriceFen', 'paidPriceFen', 'discountFen', 'subsidyAboveDiscount'];
const withoutPriceFigures = (figures: Record<string, unknown> | null) =>
  figures && Object.fromEntries(Object.entries(figures).filter(([name]) => !PRICE_FIGURES.includes(name)));

describe('tradein.v1 and tradein.v2 side by side', () => {
  let clock = new Date('2026-12-13T08:00:00Z');
  const now = () => clock;
  let v1: VersionedHub;
  let v2: VersionedHub;
  let workDir: string;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-versions-'));
    v1 = await startHub(now);
    v2 = await startHub(now);
    await ingestAll(v1, 1, workDir);
    await ingestAll(v2, 2, workDir);
  }, 300_000);
  afterAll(async () => {
    for (const target of [v1, v2]) {
      if (target === undefined) continue;
      await new Promise((resolve) => target.server.close(resolve));
      await target.hub.close();
    }
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('stores both versions in one shape: the same records, v1 without prices, v2 with them', async () => {
    const [first, second] = [await records(v1.hub), await records(v2.hub)];
    expect(first).toHaveLength(N);
    expect(second.map(withoutPrices)).toEqual(first.map(withoutPrices));
    expect(first.every((row) => row.new_purchase_list_price_fen === null && row.new_purchase_paid_price_fen === null)).toBe(true);
    const expected = Array.from({ length: N }, (_, i) => (i % 3 === 2 ? [null, null] : [String(listPrice(i)), String(paidPrice(i))]));
    expect(second.map((row) => [row.new_purchase_list_price_fen, row.new_purchase_paid_price_fen])).toEqual(expected);
  });

  it('records the version each submission was sent as, on every path', async () => {
    const versions = async (hub: TestHub) =>
      (
        await sql<{ version: number; n: number }>`select version, count(*)::int as n from submissions group by version order by version`.execute(
          hub.app.database.db,
        )
      ).rows;
    expect(await versions(v1.hub)).toEqual([{ version: 1, n: N }]);
    // Push maps each order on its own: an order without a new purchase has no prices, so the adapter sends it
    // as tradein.v1 (16–23: three of them); GraphQL and /bulk sent every document as the batch's v2.
    const unpricedPushed = Array.from({ length: 8 }, (_, j) => 16 + j).filter((i) => i % 3 === 2).length;
    expect(await versions(v2.hub)).toEqual([
      { version: 1, n: unpricedPushed },
      { version: 2, n: N - unpricedPushed },
    ]);
    // The platform reads the same through the public interface.
    const { body } = await v2.hub.graphql(
      '{ mySubmissions(first: 50) { __typename ... on SubmissionConnection { edges { node { kind version } } } } }',
      {},
      await v2.hub.token('platform-a'),
    );
    const listed = body.data.mySubmissions.edges.map((e: { node: { kind: string; version: number } }) => e.node);
    expect(listed).toHaveLength(N);
    expect(listed.filter((node: { version: number }) => node.version === 2)).toHaveLength(N - unpricedPushed);
    expect(listed.every((node: { kind: string }) => node.kind === 'TRADEIN')).toBe(true);
  });

  it('answers regulatory statistics alike', async () => {
    const answer = async (hub: TestHub) => (await hub.graphql(STATISTICS, {}, await hub.token('regulator-a'))).body.data.regulatoryStatistics;
    const [first, second] = [await answer(v1.hub), await answer(v2.hub)];
    expect(first.__typename).toBe('RegulatoryStatistics');
    expect(first.rows.reduce((total: number, row: { tradeIns: number }) => total + row.tradeIns, 0)).toBe(N);
    expect(second).toEqual(first);
  });

  it('reports sales alike, and the prices only where v2 sent them', async () => {
    const answer = async (hub: TestHub) => (await hub.graphql(REPORT, {}, await hub.token('regulator-a'))).body.data.monthlyReport.sales;
    const [first, second] = [await answer(v1.hub), await answer(v2.hub)];
    expect(withoutPriceFigures(second.total)).toEqual(withoutPriceFigures(first.total));
    expect(second.rows.map((row: { figures: Record<string, unknown> }) => withoutPriceFigures(row.figures))).toEqual(
      first.rows.map((row: { figures: Record<string, unknown> }) => withoutPriceFigures(row.figures)),
    );
    const purchases = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 !== 2);
    const sum = (f: (i: number) => number) => String(purchases.reduce((total, i) => total + f(i), 0));
    expect(first.total).toMatchObject({
      tradeIns: N,
      newPurchases: purchases.length,
      pricedPurchases: 0,
      unpricedPurchases: purchases.length,
      listPriceFen: '0',
      discountFen: '0',
    });
    expect(second.total).toMatchObject({
      newPurchases: purchases.length,
      pricedPurchases: purchases.length,
      unpricedPurchases: 0,
      listPriceFen: sum(listPrice),
      paidPriceFen: sum(paidPrice),
      discountFen: sum((i) => listPrice(i) - paidPrice(i)),
      subsidyAboveDiscount: 0,
    });
  });

  it('refuses a v2 whose paid price exceeds its list price, or whose new purchase lacks prices, naming path and rule', async () => {
    const overpaid = tradeInV2('BAD', 0);
    (overpaid.newPurchase as Record<string, number>).paidPriceFen = listPrice(0) + 1;
    const { body } = await v2.hub.graphql(SUBMIT, { d: [overpaid, tradeInV1('BAD', 1)], v: 2 }, await v2.hub.token('platform-a'));
    const [first, second] = body.data.submitTradeIns.results;
    expect(first.errors).toEqual([{ path: '/newPurchase/paidPriceFen', code: 'tradein.paid_above_list', message: 'must not exceed newPurchase.listPriceFen' }]);
    expect(second.errors).toContainEqual(expect.objectContaining({ path: '/newPurchase/listPriceFen', code: 'schema.required' }));
    expect((await records(v2.hub)).length).toBe(N);
  });

  it('tells a v1 sender the deprecation, then refuses v1 after its window on GraphQL and /bulk with a typed error; v2 goes on', async () => {
    const token = await v1.hub.token('platform-a');
    const during = (await v1.hub.graphql(SUBMIT, { d: [tradeInV1('LATE', 100)] }, token)).body.data.submitTradeIns;
    expect(during.deprecation).toEqual({ kind: 'TRADEIN', version: 1, acceptedUntil: '2027-06-30T16:00:00.000Z', successor: 2 });

    clock = new Date('2027-06-30T16:00:00Z');
    try {
      const after = (await v1.hub.graphql(SUBMIT, { d: [tradeInV1('LATE', 101)] }, await v1.hub.token('platform-a'))).body.data.submitTradeIns;
      expect(after).toEqual({
        __typename: 'DocumentVersionNotAccepted',
        code: 'document.version_not_accepted',
        kind: 'TRADEIN',
        version: 1,
        acceptedUntil: '2027-06-30T16:00:00.000Z',
        successor: 2,
        message: 'tradein.v1 must be submitted before 2027-06-30T16:00:00.000Z, the end of its acceptance window; submit tradein.v2',
      });
      await expect(
        uploadBulk({
          hubUrl: v1.url,
          token: await v1.hub.token('platform-a'),
          kind: 'tradein',
          lines: [JSON.stringify(tradeInV1('LATE', 102))],
          onResult: () => {},
        }),
      ).rejects.toMatchObject({ status: 400, code: 'document.version_not_accepted' });
      const v2After = (await v1.hub.graphql(SUBMIT, { d: [tradeInV2('LATE', 103)], v: 2 }, await v1.hub.token('platform-a'))).body.data.submitTradeIns;
      expect(v2After.results.map((r: { __typename: string }) => r.__typename)).toEqual(['SubmissionAccepted']);
      expect(v2After.deprecation).toBeNull();
      const unknown = (await v1.hub.graphql(SUBMIT, { d: [tradeInV2('LATE', 104)], v: 3 }, await v1.hub.token('platform-a'))).body.data.submitTradeIns;
      expect(unknown).toMatchObject({ __typename: 'DocumentVersionNotAccepted', code: 'document.unknown_version', version: 3 });
    } finally {
      clock = new Date('2026-12-13T08:00:00Z');
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from submissions where version = 1`.execute(v1.hub.app.database.db);
    expect(rows[0]!.n).toBe(N + 1);
  });
});
