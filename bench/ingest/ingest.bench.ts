// Ingest throughput: 500-document GraphQL batches through the whole hub (JWT, JSON Schema, PII scan,
// idempotency, storage) against a raw COPY of the same rows into the same PostgreSQL, in the same run.
//
//   npm run bench:ingest            # 100,000 documents
//   BENCH_DOCS=20000 npm run bench:ingest
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { mintToken, readLocalPartyKey } from '../../src/parties/local-key-store.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { copyBaselineRate } from '../support/copy-baseline.ts';
import { runHubCommand, startHubProcess } from '../support/hub-process.ts';

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const BATCH = 500;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const DB_NAME = 'tradein_bench_ingest';

const documents = generateDemoDocuments({ tickets: DOCS, platform: 'bench-platform', seed: 7 }).tradeIns;

async function hubIngest(url: string): Promise<{ rate: number; accepted: number }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-bench-'));
  const env = { ...process.env, DATABASE_URL: url, HUB_DATA_DIR: dataDir, NODE_ENV: 'production' };
  await runHubCommand(['parties', 'add', '--id', 'bench-platform', '--role', 'platform'], env);
  await runHubCommand(['keys', 'add', '--party', 'bench-platform', '--generate'], env);
  const hub = await startHubProcess(env, 4600 + Math.floor(Math.random() * 300));
  try {
    const token = await mintToken(await readLocalPartyKey(dataDir, 'bench-platform'), { hubId: 'tradein-hub' });
    const query = 'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{accepted rejected}}}';
    const batches: unknown[][] = [];
    for (let i = 0; i < documents.length; i += BATCH) batches.push(documents.slice(i, i + BATCH));
    let next = 0;
    let accepted = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const response = await fetch(`${hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables: { d: batch } }),
        });
        const body = (await response.json()) as { data?: { submitTradeIns?: { accepted: number } } };
        if (body.data?.submitTradeIns?.accepted === undefined) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 300)}`);
        accepted += body.data.submitTradeIns.accepted;
      }
    }));
    return { rate: documents.length / ((performance.now() - started) / 1000), accepted };
  } finally {
    await hub.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const url = await freshDatabase(DB_NAME);
try {
  const copyRate = (await copyBaselineRate(url, documents)).rowsPerSecond;
  const hub = await hubIngest(url);
  if (hub.accepted !== documents.length) throw new Error(`hub accepted ${hub.accepted} of ${documents.length}`);
  const result = {
    date: new Date().toISOString().slice(0, 10), documents: documents.length, batch: BATCH, concurrency: CONCURRENCY,
    copyRowsPerSecond: Math.round(copyRate), hubRecordsPerSecond: Math.round(hub.rate), ratio: Number((hub.rate / copyRate).toFixed(3)),
  };
  console.log(JSON.stringify(result));
  console.log(`| ingest, ${BATCH}-doc GraphQL batches ×${CONCURRENCY} | ${result.hubRecordsPerSecond.toLocaleString('en')} records/s | COPY ${result.copyRowsPerSecond.toLocaleString('en')} rows/s | ${result.ratio}× | target ≥ 0.2× |`);
} finally {
  await dropDatabase(DB_NAME);
}
