import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NativeRow } from '../../adapters/adapter.ts';
import { privateColumns } from '../../adapters/native-schema.ts';
import { ADAPTERS } from '../../adapters/registry.ts';
import { buildProgram } from '../../src/cli/program.ts';
import type { DispositionV1 } from '../../src/documents/documents.generated.ts';
import { keyedHash } from '../../src/hub-keys/keyed-hash.ts';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { PushError } from '../../src/push/push-error.ts';
import { pushFile, type PushOptions, type PushSummary } from '../../src/push/push-file.ts';
import { fixedToken, mintedTokens } from '../../src/push/token-source.ts';
import { registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

// The partners' real exports, copied into the repository: tests never read /work/shared.
const SAMPLES = fileURLToPath(new URL('../fixtures/samples/', import.meta.url));
const FAST_RETRY = { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 };
const SUBJECT_KEY = Buffer.from('platform-a-subject-key-kept-on-the-platform', 'utf8');

type SampleFile = { file: string; adapter: string; party: string };
const CATALOGUE: SampleFile = { file: 'brand-catalogue.csv', adapter: 'brand-catalogue-csv', party: 'brand-a' };
const ORDERS: SampleFile = { file: 'platform-orders.json', adapter: 'platform-orders-json', party: 'platform-a' };
const INSPECTIONS: SampleFile = { file: 'recycler-inspections.csv', adapter: 'recycler-inspections-csv', party: 'recycler-a' };
const DISPOSITIONS: SampleFile = { file: 'dismantler-dispositions.csv', adapter: 'dismantler-dispositions-csv', party: 'recycler-a' };

/** A sample's rows as the adapter sees them. */
async function sampleRows(file: string): Promise<Record<string, string>[]> {
  const text = await fs.readFile(path.join(SAMPLES, file), 'utf8');
  if (file.endsWith('.json')) return (JSON.parse(text) as { orders: Record<string, string>[] }).orders;
  return parseCsv(text, { bom: true, columns: true }) as Record<string, string>[];
}

/** Every non-empty cell of every column the adapters' native schemas mark private, over the four samples. */
async function privateValuesOfSamples(): Promise<string[]> {
  const values = new Set<string>();
  for (const sample of [CATALOGUE, ORDERS, INSPECTIONS, DISPOSITIONS]) {
    const columns = privateColumns(ADAPTERS[sample.adapter]!.native);
    for (const row of await sampleRows(sample.file)) for (const column of columns) if (row[column]?.trim()) values.add(row[column]!.trim());
  }
  return [...values];
}

async function readRejects(file: string): Promise<Record<string, string>[]> {
  return parseCsv(await fs.readFile(file, 'utf8'), { columns: true }) as Record<string, string>[];
}

async function count(hub: TestHub, query: ReturnType<typeof sql<{ n: string | number }>>): Promise<number> {
  const { rows } = await query.execute(hub.app.database.db);
  return Number(rows[0]!.n);
}

describe('push (a real hub over HTTP)', () => {
  let hub: TestHub;
  let server: http.Server;
  let endpoint: string;
  let workDir: string;
  const bodies: string[] = [];
  let failNextRequests = 0;
  // Called after a request was handed to the hub (tests cut the client off while the hub works).
  let afterForwarding: (() => void) | undefined;

  beforeAll(async () => {
    hub = await createTestHub();
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-push-'));
    for (const file of await fs.readdir(SAMPLES)) await fs.copyFile(path.join(SAMPLES, file), path.join(workDir, file));
    // The hub's own node handler, wrapped to record each request body and, on demand, to answer 503 the
    // way a restarting hub behind a load balancer does. The recorded body is handed on as req.body, which
    // the yoga node adapter reads instead of the (consumed) stream.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        bodies.push(body);
        if (failNextRequests > 0) {
          failNextRequests -= 1;
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"message":"service unavailable"}]}');
          return;
        }
        Object.assign(req, { body });
        void (hub.app.yoga as unknown as http.RequestListener)(req, res);
        afterForwarding?.();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const push = (sample: SampleFile, options: Partial<PushOptions> = {}): Promise<PushSummary> =>
    pushFile({
      adapter: sample.adapter,
      file: path.join(workDir, sample.file),
      // The platform ships its devices to recycler-a and says so on each trade-in: recycler-a holds the tickets.
      adapterOptions: { platform: 'platform-a', ...(sample === ORDERS ? { subjectKey: SUBJECT_KEY, recycler: 'recycler-a' } : {}) },
      endpoint,
      tokens: mintedTokens(hub.keys.get(sample.party)!, { hubId: hub.config.hubId }),
      retry: FAST_RETRY,
      ...options,
    });

  const summaries = new Map<string, PushSummary>();

  it('pushes the four sample files in order and accepts every row that maps cleanly', async () => {
    for (const sample of [CATALOGUE, ORDERS, INSPECTIONS, DISPOSITIONS]) {
      const summary = await push(sample);
      summaries.set(sample.file, summary);
      const rows = (await sampleRows(sample.file)).length;
      const rejects = await readRejects(summary.rejectsFile);
      expect(summary.read, sample.file).toBe(rows);
      expect(summary.accepted + summary.rejected, sample.file).toBe(rows);
      expect([summary.replayed, summary.conflicts, summary.interrupted]).toEqual([0, 0, false]);
      // Every refusal is a local one (adapter or privacy gate): the hub accepted everything it was sent,
      // including every inspection and disposition reference to a platform order.
      expect(
        rejects.every((line) => line.stage === 'adapter' || line.stage === 'check'),
        sample.file,
      ).toBe(true);
      expect(new Set(rejects.map((line) => line.row)).size).toBe(summary.rejected);
    }
    expect(summaries.get(ORDERS.file)!.accepted).toBe(3000);
    expect(summaries.get(CATALOGUE.file)!.accepted).toBe(35);
    expect(summaries.get(DISPOSITIONS.file)!.accepted).toBe(1794);
  });

  it('has the hub refuse every inspection and disposition pushed by a recycler that does not hold the tickets (unauthorised)', async () => {
    await registerTestParty(hub, 'recycler-x', 'recycler');
    for (const sample of [INSPECTIONS, DISPOSITIONS]) {
      const summary = await push(sample, {
        tokens: mintedTokens(hub.keys.get('recycler-x')!, { hubId: hub.config.hubId }),
        rejectsFile: path.join(workDir, `${sample.file}.recycler-x.rejects.csv`),
        checkpoint: false,
      });
      const mappable = summaries.get(sample.file)!.accepted;
      expect(summary, sample.file).toMatchObject({ accepted: 0, rejected: summary.read });
      expect(summary.rejectCodes['reference.ticket_not_found'], sample.file).toBe(mappable);
    }
    expect(await count(hub, sql`select count(*) as n from inspections where recycler_id = 'recycler-x'`)).toBe(0);
    expect(await count(hub, sql`select count(*) as n from dispositions where recycler_id = 'recycler-x'`)).toBe(0);
  });

  it('reports every inspection it could not map by row and column, without the value', async () => {
    const summary = summaries.get(INSPECTIONS.file)!;
    expect(summary.rejectCodes).toEqual({ 'adapter.unknown_fault': 25 });
    const rejects = await readRejects(summary.rejectsFile);
    const rows = await sampleRows(INSPECTIONS.file);
    for (const line of rejects) {
      expect(line).toMatchObject({ column: '质检结果', stage: 'adapter', code: 'adapter.unknown_fault' });
      expect(rows[Number(line.row) - 1]!['质检结果']).toContain('按键失灵');
    }
    expect(await fs.readFile(summary.rejectsFile, 'utf8')).not.toContain('按键失灵');
  });

  it('links every inspection and disposition to the ticket of its platform order', async () => {
    const db = hub.app.database.db;
    const secret = hub.app.secret;
    const submissions = await db.selectFrom('submissions').select(['party_id', 'kind', 'key_hash', 'ticket_id', 'target_id']).execute();
    const byKey = new Map(submissions.map((row) => [`${row.party_id}/${row.kind}/${Buffer.from(row.key_hash).toString('hex')}`, row]));
    const submission = (party: string, kind: string, externalRef: string) =>
      byKey.get(`${party}/${kind}/${keyedHash(secret, 'submission', party, kind, externalRef).toString('hex')}`);
    const ticketRecords = new Map((await db.selectFrom('tickets').select(['id', 'record_id']).execute()).map((row) => [row.id, row.record_id]));
    const inspectionRecords = new Map((await db.selectFrom('inspections').select(['id', 'record_id']).execute()).map((row) => [row.id, row.record_id]));
    const dispositionRecords = new Map((await db.selectFrom('dispositions').select(['id', 'record_id']).execute()).map((row) => [row.id, row.record_id]));

    const inspections = ADAPTERS[INSPECTIONS.adapter]!.adapter.create({ platform: 'platform-a' });
    let linked = 0;
    for (const [index, row] of (await sampleRows(INSPECTIONS.file)).entries()) {
      const mapped = inspections(row as NativeRow, index + 1);
      if (!mapped.ok) continue;
      const order = submission('platform-a', 'tradein', row['平台订单号']!)!;
      const inspection = submission('recycler-a', 'inspection', row['质检单号']!)!;
      expect(inspection.ticket_id).toBe(order.ticket_id);
      expect(inspectionRecords.get(inspection.target_id!)).toBe(ticketRecords.get(order.ticket_id!));
      linked += 1;
    }
    expect(linked).toBe(summaries.get(INSPECTIONS.file)!.accepted);

    const dispositions = ADAPTERS[DISPOSITIONS.adapter]!.adapter.create({ platform: 'platform-a' });
    linked = 0;
    for (const [index, row] of (await sampleRows(DISPOSITIONS.file)).entries()) {
      const mapped = dispositions(row as NativeRow, index + 1);
      if (!mapped.ok) continue;
      const order = submission('platform-a', 'tradein', row['平台订单号']!)!;
      const disposition = submission('recycler-a', 'disposition', (mapped.document as DispositionV1).externalRef)!;
      expect(disposition.ticket_id).toBe(order.ticket_id);
      expect(dispositionRecords.get(disposition.target_id!)).toBe(ticketRecords.get(order.ticket_id!));
      linked += 1;
    }
    expect(linked).toBe(1794);
    expect(inspectionRecords.size).toBe(summaries.get(INSPECTIONS.file)!.accepted);
    expect(dispositionRecords.size).toBe(1794);
  });

  it('puts the users who have a subjectRef in the subject vault, under the pseudonym only', async () => {
    const userIds = new Set((await sampleRows(ORDERS.file)).map((order) => order['用户ID']));
    const cipher = subjectRefCipher(hub.app.secret);
    const subjects = await hub.app.database.db.selectFrom('subjects').select(['id', 'subject_ref_sealed']).execute();
    expect(subjects.length).toBe(userIds.size);
    for (const subject of subjects) expect(userIds.has(cipher.open(subject.id, subject.subject_ref_sealed))).toBe(false);
  });

  it('sends no value of a private column to the hub, and the hub stores none', async () => {
    const secrets = await privateValuesOfSamples();
    expect(secrets.length).toBeGreaterThan(10_000);
    const sent = bodies.join('\n');
    expect(sent).toContain('TI20250409415683'); // the order number travels, as externalRef
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(hub.app.database.db);
    const dumps: string[] = [];
    for (const { table_name: table } of tables.rows) {
      const { rows } = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(table)} t`.execute(hub.app.database.db);
      dumps.push(...rows.map((row) => row.row));
    }
    const stored = dumps.join('\n');
    expect(stored).not.toContain('TI20250409415683'); // the hub keeps only a keyed hash of it
    // One alternation of every private value: a linear scan instead of one search per value.
    const anyPrivateValue = new RegExp(secrets.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    expect(anyPrivateValue.test('联系张涛，电话13106203290')).toBe(true); // the pattern does find one
    expect(anyPrivateValue.exec(sent)?.index, 'a request body holds a private value').toBeUndefined();
    expect(anyPrivateValue.exec(stored)?.index, 'the database holds a private value').toBeUndefined();
  });

  it('stores nothing new when the same file is pushed twice', async () => {
    const before = await count(hub, sql`select count(*) as n from records`);
    const again = await push(ORDERS);
    expect(again).toMatchObject({ read: 3000, accepted: 0, replayed: 3000, rejected: 0, conflicts: 0 });
    const inspections = await push(INSPECTIONS);
    expect(inspections).toMatchObject({ accepted: 0, replayed: summaries.get(INSPECTIONS.file)!.accepted, rejected: 25 });
    expect(await count(hub, sql`select count(*) as n from records`)).toBe(before);
    expect(await count(hub, sql`select count(*) as n from inspections`)).toBe(summaries.get(INSPECTIONS.file)!.accepted);
  });

  it('finishes an interrupted push on re-run, skipping acknowledged batches and storing each row once', async () => {
    // 600 of the orders, three of them unmappable (one before the interruption, two after), as platform-b.
    const orders = (await sampleRows(ORDERS.file))
      .slice(0, 600)
      .map((order, index) => ([5, 450, 590].includes(index) ? { ...order, 旧机品类: '游戏机' } : order));
    const file = path.join(workDir, 'platform-b-orders.json');
    await fs.writeFile(file, JSON.stringify({ platform: 'B', orders }));
    const options: PushOptions = {
      adapter: ORDERS.adapter,
      file,
      adapterOptions: {},
      endpoint,
      batchSize: 100,
      retry: FAST_RETRY,
      tokens: mintedTokens(hub.keys.get('platform-b')!, { hubId: hub.config.hubId }),
    };
    const controller = new AbortController();
    const first = await pushFile({ ...options, signal: controller.signal, onBatchAcknowledged: ({ batch }) => void (batch === 2 && controller.abort()) });
    expect(first).toMatchObject({ interrupted: true, accepted: 200, rejected: 1 });
    await expect(fs.stat(`${first.rejectsFile}.checkpoint.json`)).resolves.toBeDefined();

    const requestsBefore = bodies.length;
    const second = await pushFile(options);
    expect(second.resumedAfterRow).toBeGreaterThanOrEqual(201);
    expect(second).toMatchObject({ interrupted: false, accepted: 597, replayed: 0, rejected: 3, conflicts: 0, read: 600 });
    expect(bodies.length - requestsBefore).toBe(4); // the 397 remaining clean rows, in batches of 100
    expect(bodies.slice(requestsBefore).join('')).not.toContain(orders[0]!['订单号']);
    expect(await count(hub, sql`select count(*) as n from tickets where platform_id = 'platform-b'`)).toBe(597);
    expect((await readRejects(second.rejectsFile)).map((line) => Number(line.row))).toEqual([6, 451, 591]);
    await expect(fs.stat(`${second.rejectsFile}.checkpoint.json`)).rejects.toThrow();

    // Without the checkpoint the hub's idempotency alone keeps it exact: everything is replayed.
    const third = await pushFile({ ...options, checkpoint: false });
    expect(third).toMatchObject({ accepted: 0, replayed: 597, rejected: 3 });
    expect(await count(hub, sql`select count(*) as n from tickets where platform_id = 'platform-b'`)).toBe(597);
  });

  it('starts over (safely) when a dry run rewrote the report of an interrupted push', async () => {
    const orders = (await sampleRows(ORDERS.file)).slice(2000, 2300);
    const file = path.join(workDir, 'platform-b-orders-3.json');
    await fs.writeFile(file, JSON.stringify({ orders }));
    const options: PushOptions = {
      adapter: ORDERS.adapter,
      file,
      adapterOptions: {},
      endpoint,
      batchSize: 100,
      retry: FAST_RETRY,
      tokens: mintedTokens(hub.keys.get('platform-b')!, { hubId: hub.config.hubId }),
    };
    const controller = new AbortController();
    await pushFile({ ...options, signal: controller.signal, onBatchAcknowledged: () => controller.abort() });
    expect(await pushFile({ ...options, dryRun: true })).toMatchObject({ dryRun: true, read: 300, batches: 0 });
    expect(await pushFile(options)).toMatchObject({ resumedAfterRow: 0, replayed: 100, accepted: 200, rejected: 0 });
  });

  it('stores each row once when the push is cut off while the hub is committing a batch', async () => {
    const orders = (await sampleRows(ORDERS.file)).slice(1000, 1500);
    const file = path.join(workDir, 'platform-b-orders-2.json');
    await fs.writeFile(file, JSON.stringify({ orders }));
    const options: PushOptions = {
      adapter: ORDERS.adapter,
      file,
      adapterOptions: {},
      endpoint,
      batchSize: 100,
      retry: FAST_RETRY,
      tokens: mintedTokens(hub.keys.get('platform-b')!, { hubId: hub.config.hubId }),
    };
    const ticketsBefore = await count(hub, sql`select count(*) as n from tickets where platform_id = 'platform-b'`);
    const controller = new AbortController();
    let forwarded = 0;
    afterForwarding = () => {
      forwarded += 1;
      if (forwarded === 3) controller.abort(); // the third batch reached the hub; its answer never arrives
    };
    const first = await pushFile({ ...options, signal: controller.signal }).finally(() => (afterForwarding = undefined));
    expect(first).toMatchObject({ interrupted: true, accepted: 200 });

    const second = await pushFile(options);
    expect(second.resumedAfterRow).toBe(200);
    // The third batch is sent again: replayed if the hub had committed it, accepted if not — never twice.
    expect(second.accepted + second.replayed).toBe(500);
    expect(second.replayed === 0 || second.replayed === 100).toBe(true);
    expect(await count(hub, sql`select count(*) as n from tickets where platform_id = 'platform-b'`)).toBe(ticketsBefore + 500);
  });

  it('retries 503 answers with backoff and then succeeds', async () => {
    failNextRequests = 2;
    const requestsBefore = bodies.length;
    const summary = await push(CATALOGUE);
    expect(summary).toMatchObject({ retries: 2, replayed: 35, accepted: 0, rejected: 0 });
    expect(bodies.length - requestsBefore).toBe(3);
  });

  it('stops after the retry budget when the hub keeps failing', async () => {
    failNextRequests = FAST_RETRY.attempts;
    await expect(push(CATALOGUE)).rejects.toMatchObject({ code: 'push.retries_exhausted' });
  });

  it('does not retry a refused token', async () => {
    const requestsBefore = bodies.length;
    await expect(push(CATALOGUE, { tokens: fixedToken('not-a-token') })).rejects.toThrow(PushError);
    await expect(push(CATALOGUE, { tokens: fixedToken('not-a-token') })).rejects.toMatchObject({ code: 'push.unauthenticated' });
    expect(bodies.length - requestsBefore).toBe(2);
  });

  it("is refused for a party whose role may not submit the adapter's kind", async () => {
    await expect(push({ ...CATALOGUE, party: 'platform-a' })).rejects.toMatchObject({ code: 'push.forbidden' });
  });

  it('validates locally and sends nothing with --dry-run', async () => {
    const requestsBefore = bodies.length;
    const summary = await push(INSPECTIONS, { dryRun: true, tokens: undefined, rejectsFile: path.join(workDir, 'dry.rejects.csv') });
    expect(summary).toMatchObject({ dryRun: true, read: 2577, rejected: 25, batches: 0 });
    expect(bodies.length).toBe(requestsBefore);
    expect((await readRejects(summary.rejectsFile)).length).toBe(25);
  });

  it('runs as `tradein-hub push` with a token minted from the data folder (--party)', async () => {
    vi.stubEnv('HUB_DATA_DIR', hub.config.dataDir);
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync([
        'node',
        'tradein-hub',
        'push',
        '--adapter',
        CATALOGUE.adapter,
        '--file',
        path.join(workDir, CATALOGUE.file),
        '--endpoint',
        endpoint,
        '--party',
        'brand-a',
        '--batch',
        '10',
      ]);
    } finally {
      write.mockRestore();
      errors.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(out.join('')).toContain('read 35 · accepted 0 · replayed 35 · rejected 0 · conflicts 0');
    expect(process.exitCode).toBe(0);
    process.exitCode = undefined;
  });
});
