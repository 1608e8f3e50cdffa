// Where a 1,000-document GraphQL batch of trade-ins goes, on PostgreSQL (issue 14, item 1): the request's
// JSON parse, the gate (JSON Schema, PII scan), the vocabulary step, the keyed hashes, sealing and ids, and
// each SQL statement of `ingestDocuments` (timed at the pg client, so round trip included), in process and
// as the serving role (row-level security on). On a loaded machine runs drift, so the arms share one
// database and take turns batch by batch (the owner switches them between batches):
//   as-is         the hub's schema as migrated
//   no-triggers   `alter table … disable trigger user` on the tables a trade-in writes (the analytic
//                 store's and the insights' triggers; foreign keys still checked)
//   no-triggers-no-fk  `disable trigger all` (as `session_replication_role = replica`: foreign keys too)
//   no-rls        `alter table … disable row level security` on the same tables
// A scratch database only: these switches exist to measure, never to run a hub.
//
//   node --import tsx bench/ingest/breakdown.ts                 # 21,000 documents: a warm-up batch, 5 per arm
//   BENCH_DOCS=8000 BENCH_ARMS=as-is,no-triggers node --import tsx bench/ingest/breakdown.ts
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src/db/client.ts';
import { newId } from '../../src/db/ids.ts';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { validateDocument } from '../../src/documents/document-validator.ts';
import { privacyAnnotations } from '../../src/documents/document-validator.ts';
import { checkDocument } from '../../src/documents/check-document.ts';
import { canonicalContentHash, keyedHash } from '../../src/hub-keys/keyed-hash.ts';
import { loadHubSecret } from '../../src/hub-keys/hub-secret.ts';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { scanDocument } from '../../src/privacy/scan-document.ts';
import { subjectIdFor } from '../../src/subjects/subject-id.ts';
import { ingestDocuments } from '../../src/submissions/submissions.service.ts';
import { checkVocabularies } from '../../src/vocabulary/vocabulary.service.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { runHubCommand } from '../support/hub-process.ts';

const DOCS = Number(process.env.BENCH_DOCS ?? 21_000);
const BATCH = 1000;
const ARMS = (process.env.BENCH_ARMS ?? 'as-is,no-triggers,no-triggers-no-fk,no-rls').split(',');
const DB_NAME = 'tradein_bench_ingest_breakdown';
const PLATFORM = 'bench-platform';
const TABLES = ['submissions', 'records', 'tickets', 'subjects', 'record_subjects', 'ticket_custody', 'ingest_batches'];

// Every statement's time at the pg client, by its first words.
const sqlTimes = new Map<string, number>();
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function timedQuery(this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string }).text ?? '');
  const label = statementLabel(text);
  const started = performance.now();
  const result = (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (result instanceof Promise) {
    return result.finally(() => sqlTimes.set(label, (sqlTimes.get(label) ?? 0) + performance.now() - started));
  }
  return result;
} as typeof pg.Client.prototype.query;

function statementLabel(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (t.startsWith('with input as')) return t.includes('insert into records') ? 'storeTradeIns (one statement)' : 'store (one statement)';
  if (t.includes('set_config') || t.startsWith('set ') || t.startsWith('select set_config')) return 'session set-up';
  if (t === 'begin' || t === 'commit' || t === 'rollback' || t.startsWith('start transaction')) return 'begin/commit';
  if (t.includes('ingest_batches')) return 'ingest_batches insert';
  return `other: ${t.slice(0, 60)}`;
}

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

// tradein.v1 (sent as the default version): the documents this benchmark's recorded figures were measured on.
const documents = generateDemoDocuments({ tickets: DOCS, platform: PLATFORM, seed: 7, tradeInVersion: 1 }).tradeIns;
const query = 'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{accepted rejected}}}';

/** Puts the tables in an arm's state (from the previous arm's). */
async function switchArm(admin: pg.Client, arm: string): Promise<void> {
  for (const table of TABLES) {
    await admin.query(`alter table ${table} enable trigger all`);
    await admin.query(`alter table ${table} enable row level security`);
    if (arm === 'no-triggers') await admin.query(`alter table ${table} disable trigger user`);
    if (arm === 'no-triggers-no-fk') await admin.query(`alter table ${table} disable trigger all`);
    if (arm === 'no-rls') await admin.query(`alter table ${table} disable row level security`);
  }
}

async function run(): Promise<Record<string, Record<string, number>>> {
  const url = await freshDatabase(DB_NAME);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-breakdown-'));
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  const admin = new pg.Client({ connectionString: url });
  try {
    await runHubCommand(['parties', 'add', '--id', PLATFORM, '--role', 'platform'], {
      ...process.env,
      DATABASE_URL: url,
      HUB_DATA_DIR: dataDir,
      NODE_ENV: 'production',
    });
    await admin.connect();
    const { secret } = await loadHubSecret(handle.db, { dataDir, envSecret: undefined });
    const context = { db: handle.session({ role: 'hub_app', partyId: PLATFORM }), secret, now: () => new Date() };
    const submitter = { partyId: PLATFORM, role: 'platform' as const };
    const cipher = subjectRefCipher(secret);
    const sealKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'tradein-hub subject-ref encryption v1', 32));
    const totals: Record<string, Record<string, number>> = Object.fromEntries(ARMS.map((arm) => [arm, {}]));
    const counts: Record<string, number> = Object.fromEntries(ARMS.map((arm) => [arm, 0]));
    for (let start = 0, n = 0; start < documents.length; start += BATCH, n++) {
      // The first batch warms up (schema compilation, plans) and is not counted.
      const arm = n === 0 ? 'warm-up' : ARMS[(n - 1) % ARMS.length]!;
      await switchArm(admin, arm);
      totals[arm] ??= {};
      counts[arm] = (counts[arm] ?? 0) + 1;
      const add = (key: string, ms: number) => (totals[arm]![key] = (totals[arm]![key] ?? 0) + ms);
      const batch = documents.slice(start, start + BATCH);
      // (a) the request body as the hub receives it, parsed.
      const body = JSON.stringify({ query, variables: { d: batch } });
      const [parsed, parseMs] = await time(() => JSON.parse(body) as { variables: { d: Record<string, unknown>[] } });
      add('a. JSON.parse of the request body', parseMs);
      const docs = parsed.variables.d;
      // (b) the gate, and its two halves on their own.
      const asOf = new Date();
      add('b. gate: checkDocument (schema + PII scan)', (await time(() => docs.forEach((d) => checkDocument('tradein', d, { asOf }))))[1]);
      add('b1. of which JSON Schema alone', (await time(() => docs.forEach((d) => validateDocument('tradein', d))))[1]);
      add('b2. of which PII scan alone', (await time(() => docs.forEach((d) => scanDocument(d, { exemptions: privacyAnnotations('tradein'), asOf }))))[1]);
      // (c) what is derived per document: key and content hashes, subject id, sealed pseudonym, three ids.
      add(
        'c. keyed hashes, content hash, subject id, sealing, ids',
        (
          await time(() =>
            docs.forEach((d) => {
              keyedHash(secret, 'submission', PLATFORM, 'tradein', String(d.externalRef));
              canonicalContentHash(d);
              if (typeof d.subjectRef === 'string') cipher.seal(subjectIdFor(secret, PLATFORM, d.subjectRef), d.subjectRef);
              newId();
              newId();
              newId();
            }),
          )
        )[1],
      );
      // The same with a CSPRNG call per id and per nonce, as before the pool (src/hub-keys/random-pool.ts).
      add(
        'c0. the same, one CSPRNG call per id and nonce (before)',
        (
          await time(() =>
            docs.forEach((d) => {
              keyedHash(secret, 'submission', PLATFORM, 'tradein', String(d.externalRef));
              canonicalContentHash(d);
              if (typeof d.subjectRef === 'string') {
                const cipher0 = createCipheriv('aes-256-gcm', sealKey, randomBytes(12));
                cipher0.setAAD(Buffer.from(subjectIdFor(secret, PLATFORM, d.subjectRef)));
                Buffer.concat([cipher0.update(d.subjectRef, 'utf8'), cipher0.final(), cipher0.getAuthTag()]);
              }
              uuidv7();
              uuidv7();
              uuidv7();
            }),
          )
        )[1],
      );
      add(
        'vocabulary check (shipped vocabularies, no query)',
        (await time(() => checkVocabularies(context.db, submitter, 'tradein', new Map(docs.map((d, i) => [i, d])))))[1],
      );
      // The whole service call, as the resolver makes it (gate, hashes and statements included).
      const sqlBefore = new Map(sqlTimes);
      const [results, ingestMs] = await time(() => ingestDocuments(context, submitter, 'tradein', docs));
      add('ingestDocuments, whole', ingestMs);
      for (const [label, ms] of sqlTimes) add(`d. sql: ${label}`, ms - (sqlBefore.get(label) ?? 0));
      if (results.some((r) => r.status !== 'accepted'))
        throw new Error(`${arm}: a document was not accepted: ${JSON.stringify(results.find((r) => r.status !== 'accepted'))}`);
    }
    return Object.fromEntries(
      ARMS.map((arm) => [arm, Object.fromEntries(Object.entries(totals[arm]!).map(([key, ms]) => [key, Math.round((ms / counts[arm]!) * 10) / 10]))]),
    );
  } finally {
    await admin.end().catch(() => {});
    await handle.close();
    await dropDatabase(DB_NAME);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const out = await run();
console.log(
  `ms per ${BATCH}-document batch, mean over each arm's batches (${DOCS / BATCH - 1} batches in turn after a warm-up one), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const keys = [...new Set(Object.values(out).flatMap((o) => Object.keys(o)))].sort();
console.log(`| step | ${ARMS.join(' | ')} |\n|---|${ARMS.map(() => '---').join('|')}|`);
for (const key of keys.filter((k) => ARMS.some((arm) => out[arm]![k]! > 0)))
  console.log(`| ${key} | ${ARMS.map((arm) => out[arm]![key] ?? '—').join(' | ')} |`);
