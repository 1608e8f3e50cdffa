import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeRow } from '../../adapters/adapter.ts';
import { privateColumns } from '../../adapters/native-schema.ts';
import { ADAPTERS } from '../../adapters/registry.ts';
import { subjectRefFor } from '../../adapters/shared/subject-ref.ts';
import { DEMO_USER_ID, generateDemoDocuments, type DemoDocuments } from '../../src/demo/demo-documents.ts';
import { writeDemoExports, type DemoExportFile } from '../../src/demo/demo-exports.ts';
import { seedDemoThroughPush, type DemoSeedReport } from '../../src/demo/demo-seed.ts';
import type { DocumentKind } from '../../src/documents/document-kinds.ts';
import { keyedHash } from '../../src/hub-keys/keyed-hash.ts';
import { findPiiInText } from '../../src/privacy/scan-text.ts';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { pushFile } from '../../src/push/push-file.ts';
import { mintedTokens } from '../../src/push/token-source.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBJECT_KEY = Buffer.from('a demo platform subject key of 32+ bytes, never sent', 'utf8');
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

/** A written export's rows as its adapter sees them. */
async function exportRows(file: DemoExportFile): Promise<Record<string, string>[]> {
  const text = await fs.readFile(file.file, 'utf8');
  if (file.file.endsWith('.json')) return (JSON.parse(text) as { orders: Record<string, string>[] }).orders;
  return parseCsv(text, { bom: true, columns: true }) as Record<string, string>[];
}

/** Every non-empty cell of the columns the adapters' native schemas mark private, over the files. */
async function privateValues(files: readonly DemoExportFile[]): Promise<Map<string, Set<string>>> {
  const byColumn = new Map<string, Set<string>>();
  for (const file of files) {
    for (const column of privateColumns(ADAPTERS[file.adapter]!.native)) {
      const values = byColumn.get(column) ?? new Set<string>();
      for (const row of await exportRows(file)) if (row[column]?.trim()) values.add(row[column]!.trim());
      byColumn.set(column, values);
    }
  }
  return byColumn;
}

function documentsOfKind(documents: DemoDocuments, kind: DocumentKind): readonly unknown[] {
  if (kind === 'wipe_attestation') return [];
  return { catalogue: documents.catalogue, tradein: documents.tradeIns, inspection: documents.inspections, disposition: documents.dispositions }[kind];
}

/** One alternation of every value: a linear scan instead of one search per value. */
function anyOf(values: Iterable<string>): RegExp {
  return new RegExp([...values].map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

describe('writeDemoExports', () => {
  const documents = generateDemoDocuments({ tickets: 3000, platform: 'demo-platform', subjectKey: SUBJECT_KEY });
  let dir: string;
  let files: DemoExportFile[];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-demo-exports-'));
    files = await writeDemoExports(documents, dir);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the four partners’ native exports in push order', () => {
    expect(files.map((file) => [path.basename(file.file), file.adapter, file.sender])).toEqual([
      ['brand-catalogue.csv', 'brand-catalogue-csv', 'brand'],
      ['platform-orders.json', 'platform-orders-json', 'platform'],
      ['recycler-inspections.csv', 'recycler-inspections-csv', 'recycler'],
      ['dismantler-dispositions.csv', 'dismantler-dispositions-csv', 'recycler'],
    ]);
    expect(files.map((file) => file.rows)).toEqual([documents.catalogue.length, 3000, documents.inspections.length, documents.dispositions.length]);
  });

  it('reads back through the adapters to exactly the generated documents, row for row', async () => {
    for (const file of files) {
      const mapRow = ADAPTERS[file.adapter]!.adapter.create({ platform: 'demo-platform', subjectKey: SUBJECT_KEY });
      const mapped = (await exportRows(file)).map((row, index) => mapRow(row as NativeRow, index + 1));
      const failures = mapped.flatMap((result) => (result.ok ? [] : result.errors));
      expect(failures.slice(0, 3), `${file.adapter}: ${failures.length} errors`).toEqual([]);
      expect(
        mapped.map((result) => (result.ok ? result.document : undefined)),
        file.adapter,
      ).toEqual(documentsOfKind(documents, file.kind));
      // The orders state the new purchase's prices, so each is read as a tradein.v2, as the demo generated it.
      const version = file.kind === 'tradein' ? documents.tradeInVersion : 1;
      expect(new Set(mapped.map((result) => (result.ok ? (result.version ?? 1) : undefined))), file.adapter).toEqual(new Set([version]));
    }
    expect(documents.tradeInVersion).toBe(2);
  });

  it('passes a dry-run push of every file, adapters and privacy gate, without a reject', async () => {
    for (const file of files) {
      const summary = await pushFile({
        adapter: file.adapter,
        file: file.file,
        adapterOptions: { platform: 'demo-platform', subjectKey: SUBJECT_KEY },
        endpoint: 'http://hub.invalid/graphql',
        dryRun: true,
      });
      expect(summary, file.adapter).toMatchObject({ read: file.rows, accepted: file.rows, rejected: 0, rejectCodes: {} });
    }
  });

  it('fills every private column the adapters drop, and no document holds a private value', async () => {
    const byColumn = await privateValues(files);
    expect([...byColumn.keys()].sort()).toEqual(
      ['IMEI/序列号', '备注', '收货人', '收货地址', '手机号', '用户ID', '身份证号', '经办人', '经办人身份证', '设备序列号', '质检员', '质检员电话'].sort(),
    );
    for (const [column, values] of byColumn) expect(values.size, column).toBeGreaterThan(10);
    const everything = new Set([...byColumn.values()].flatMap((values) => [...values]));
    const pattern = anyOf(everything);
    const documentsText = JSON.stringify([documents.catalogue, documents.tradeIns, documents.inspections, documents.dispositions]);
    expect(pattern.exec(documentsText)?.[0], 'a document holds a private value').toBeUndefined();
    // The platform's user ids leave only as their HMAC.
    expect(documents.tradeIns[0]!.subjectRef).toBe(subjectRefFor(SUBJECT_KEY, DEMO_USER_ID));
  });

  it('writes private values well-formed enough for the hub’s own detectors to recognise them', async () => {
    const byColumn = await privateValues(files);
    const expectations: [string, string][] = [
      ['手机号', 'cn_mobile'],
      ['质检员电话', 'cn_mobile'],
      ['身份证号', 'resident_id_18'],
      ['经办人身份证', 'resident_id_18'],
      ['收货地址', 'cn_address'],
    ];
    const asOf = new Date('2026-11-23T00:00:00Z');
    for (const [column, detector] of expectations) {
      const missed = [...byColumn.get(column)!].filter((value) => !findPiiInText(value, { asOf }).includes(detector as never));
      expect(missed.length, `${column}: ${missed.length} values not recognised as ${detector}`).toBe(0);
    }
    const imeis = [...byColumn.get('IMEI/序列号')!].filter((value) => /^\d{15}$/.test(value));
    expect(imeis.length).toBeGreaterThan(100);
    for (const imei of imeis) expect(findPiiInText(imei)).toContain('imei');
    const remarks = [...byColumn.get('备注')!];
    expect(remarks.some((remark) => findPiiInText(remark).includes('cn_mobile'))).toBe(true);
  });

  it('mixes the date, price and word forms of the partners’ real exports', async () => {
    const orders = await exportRows(files[1]!);
    const bought = orders.map((order) => order['购买时间']!);
    for (const format of [/^\d{4}\/\d{1,2}\/\d{1,2}$/, /^\d{4}-\d{2}-\d{2}$/, /^\d{8}$/, /^\d{4}年\d{2}月\d{2}日$/])
      expect(
        bought.some((text) => format.test(text)),
        String(format),
      ).toBe(true);
    expect(orders.some((order) => /^\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}:\d{2}$/.test(order['回收时间']!))).toBe(true);
    expect(orders.some((order) => /^¥\d{1,3}(,\d{3})+\.\d{2}$/.test(order['回收估价']!))).toBe(true);
    expect(orders.some((order) => order['回收估价']!.startsWith('￥'))).toBe(true);
    // The new purchase's prices, in one form (their columns draw nothing from the generator).
    for (const order of orders) for (const column of ['新机标价', '新机实付价']) expect(order[column], column).toMatch(/^\d+\.\d{2}$/);
    expect(new Set(orders.map((order) => order['旧机品类']))).toContain('笔记本电脑');
    expect(orders.some((order) => order['用户ID'] === '')).toBe(true); // walk-in customers: anonymous trade-ins
    const inspections = await exportRows(files[2]!);
    expect(new Set(inspections.map((row) => row['成色']))).toEqual(new Set(['99新', '95新', '9成新', '8成新', '7成新及以下', '无法开机', '报废']));
    expect(new Set(inspections.map((row) => row['数据清除']))).toContain('NIST 800-88 净化');
    expect(inspections.some((row) => /电池健康度\d+%/.test(row['质检结果']!))).toBe(true);
    const dispositions = await exportRows(files[3]!);
    expect(new Set(dispositions.map((row) => row['处置方式']))).toEqual(new Set(['直接转售', '转售', '翻新后销售', '拆件再利用', '拆解资源化']));
  });

  it('writes the same bytes for the same documents and seed', async () => {
    const again = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-demo-exports-'));
    try {
      const second = await writeDemoExports(documents, again);
      for (const [index, file] of files.entries()) expect((await fs.readFile(second[index]!.file)).equals(await fs.readFile(file.file)), file.file).toBe(true);
    } finally {
      await fs.rm(again, { recursive: true, force: true });
    }
  });
});

describe('seedDemoThroughPush (a real hub over HTTP)', () => {
  let hub: TestHub;
  let server: http.Server;
  let endpoint: string;
  let exportsDir: string;
  let report: DemoSeedReport;
  const subjectKey = randomBytes(32);
  const seed = () =>
    seedDemoThroughPush({
      endpoint,
      exportsDir,
      subjectKey,
      tickets: 500,
      retry: FAST_RETRY,
      senders: {
        brand: { id: 'brand-a', tokens: mintedTokens(hub.keys.get('brand-a')!, { hubId: hub.config.hubId }) },
        platform: { id: 'platform-a', tokens: mintedTokens(hub.keys.get('platform-a')!, { hubId: hub.config.hubId }) },
        recycler: { id: 'recycler-a', tokens: mintedTokens(hub.keys.get('recycler-a')!, { hubId: hub.config.hubId }) },
      },
    });

  beforeAll(async () => {
    hub = await createTestHub();
    exportsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-demo-seed-'));
    server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    report = await seed();
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
    await fs.rm(exportsDir, { recursive: true, force: true });
  });

  const count = async (query: ReturnType<typeof sql<{ n: string | number }>>) => Number((await query.execute(hub.app.database.db)).rows[0]!.n);

  it('pushes every row of the four files, and the hub accepts them all', () => {
    expect(report.files.map((result) => [path.basename(result.file.file), result.party])).toEqual([
      ['brand-catalogue.csv', 'brand-a'],
      ['platform-orders.json', 'platform-a'],
      ['recycler-inspections.csv', 'recycler-a'],
      ['dismantler-dispositions.csv', 'recycler-a'],
    ]);
    const rows = [report.catalogue, report.tickets, report.inspections, report.dispositions];
    expect(report.files.map((file) => file.summary)).toMatchObject(rows.map((n) => ({ read: n, accepted: n, replayed: 0, rejected: 0, conflicts: 0 })));
    expect(report.tickets).toBe(500);
    expect(report.inspections).toBeGreaterThan(350);
    expect(report.dispositions).toBeGreaterThan(150);
  });

  it('stores every ticket, and links every inspection and disposition to the ticket of the order it names', async () => {
    expect(await count(sql`select count(*) as n from tickets where platform_id = 'platform-a'`)).toBe(500);
    expect(await count(sql`select count(*) as n from records`)).toBe(500);
    expect(await count(sql`select count(*) as n from catalogue_models`)).toBe(report.catalogue);
    // Every order went as a tradein.v2, its prices stored in the record.
    expect(await count(sql`select count(*) as n from submissions where kind = 'tradein' and version = 2`)).toBe(500);
    expect(await count(sql`select count(*) as n from records where new_purchase_list_price_fen > 0 and new_purchase_paid_price_fen > 0`)).toBe(500);

    const db = hub.app.database.db;
    const submissions = await db.selectFrom('submissions').select(['party_id', 'kind', 'key_hash', 'ticket_id', 'target_id']).execute();
    const byKey = new Map(submissions.map((row) => [`${row.party_id}/${row.kind}/${Buffer.from(row.key_hash).toString('hex')}`, row]));
    const submission = (party: string, kind: string, externalRef: string) =>
      byKey.get(`${party}/${kind}/${keyedHash(hub.app.secret, 'submission', party, kind, externalRef).toString('hex')}`)!;
    const ticketRecords = new Map((await db.selectFrom('tickets').select(['id', 'record_id']).execute()).map((row) => [row.id, row.record_id]));
    const inspectionRecords = new Map((await db.selectFrom('inspections').select(['id', 'record_id']).execute()).map((row) => [row.id, row.record_id]));
    const dispositionRecords = new Map((await db.selectFrom('dispositions').select(['id', 'record_id']).execute()).map((row) => [row.id, row.record_id]));
    expect([inspectionRecords.size, dispositionRecords.size]).toEqual([report.inspections, report.dispositions]);

    const documents = generateDemoDocuments({ tickets: 500, platform: 'platform-a', subjectKey });
    for (const [kind, docs, records] of [
      ['inspection', documents.inspections, inspectionRecords],
      ['disposition', documents.dispositions, dispositionRecords],
    ] as const) {
      for (const doc of docs) {
        const order = submission('platform-a', 'tradein', doc.tradeIn!.externalRef!);
        const stored = submission('recycler-a', kind, doc.externalRef);
        expect(stored.ticket_id).toBe(order.ticket_id);
        expect(records.get(stored.target_id!)).toBe(ticketRecords.get(order.ticket_id!));
      }
    }
  });

  it('keeps the users’ pseudonyms in the subject vault, the demo user’s among them', async () => {
    const documents = generateDemoDocuments({ tickets: 500, platform: 'platform-a', subjectKey });
    const refs = new Set(documents.tradeIns.flatMap((doc) => (doc.subjectRef === undefined ? [] : [doc.subjectRef])));
    const cipher = subjectRefCipher(hub.app.secret);
    const subjects = await hub.app.database.db.selectFrom('subjects').select(['id', 'subject_ref_sealed']).where('platform_id', '=', 'platform-a').execute();
    expect(new Set(subjects.map((subject) => cipher.open(subject.id, subject.subject_ref_sealed)))).toEqual(refs);
    expect(refs.has(subjectRefFor(subjectKey, DEMO_USER_ID))).toBe(true);
    expect(refs.has(DEMO_USER_ID)).toBe(false);
  });

  it('stores no value of any private column of the exports', async () => {
    const values = new Set([...(await privateValues(report.files.map((result) => result.file))).values()].flatMap((set) => [...set]));
    expect(values.size).toBeGreaterThan(1000);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(hub.app.database.db);
    const dumps: string[] = [];
    for (const { table_name: table } of tables.rows) {
      const { rows } = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(table)} t`.execute(hub.app.database.db);
      dumps.push(...rows.map((row) => row.row));
    }
    const stored = dumps.join('\n');
    expect(stored).toContain('iPhone 13 128GB');
    expect(anyOf(values).exec(stored)?.[0], 'the database holds a private value').toBeUndefined();
  });

  it('stores nothing twice when seeded again with the same key', async () => {
    const again = await seed();
    expect(again.files.map((file) => file.summary)).toMatchObject(
      [report.catalogue, report.tickets, report.inspections, report.dispositions].map((n) => ({
        read: n,
        accepted: 0,
        replayed: n,
        rejected: 0,
        conflicts: 0,
      })),
    );
    expect(await count(sql`select count(*) as n from records`)).toBe(500);
  });
});
