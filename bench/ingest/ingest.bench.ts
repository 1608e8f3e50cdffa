// Ingest throughput: 1,000-document GraphQL batches through the whole hub (JWT, JSON Schema, PII scan,
// idempotency, storage) against, in the same run and the same PostgreSQL, two COPY baselines of the same
// trade-ins: the floor (COPY of every row the hub writes per trade-in, into copies of its tables) and
// COPY of the records alone into one table. Medians of BENCH_RUNS (default 3) runs, each on a fresh database.
//
//   npm run bench:ingest            # 100,000 documents
//   BENCH_DOCS=20000 BENCH_RUNS=1 npm run bench:ingest
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { mintToken, readLocalPartyKey } from '../../src/parties/local-key-store.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { copyBaselineRate } from '../support/copy-baseline.ts';
import { copyFloorRate } from './copy-floor.ts';
import { runHubCommand, startHubProcess } from '../support/hub-process.ts';

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const DB_NAME = 'tradein_bench_ingest';

// tradein.v1 (sent as the default version): the documents this benchmark's recorded figures were measured on.
const documents = generateDemoDocuments({ tickets: DOCS, platform: 'bench-platform', seed: 7, tradeInVersion: 1 }).tradeIns;

async function hubIngest(url: string, dataDir: string): Promise<{ rate: number; accepted: number }> {
  const env = { ...process.env, DATABASE_URL: url, HUB_DATA_DIR: dataDir, NODE_ENV: 'production' };
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
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const response = await postBatch(hub.url, token, query, batch);
          const body = (await response.json()) as { data?: { submitTradeIns?: { accepted: number } } };
          if (body.data?.submitTradeIns?.accepted === undefined) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 300)}`);
          accepted += body.data.submitTradeIns.accepted;
        }
      }),
    );
    return { rate: documents.length / ((performance.now() - started) / 1000), accepted };
  } finally {
    await hub.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * One batch; re-sent (it is idempotent: a re-sent batch replays) when the keep-alive socket it went out on
 * was closed under it, which a heavily loaded machine makes likely: undici reuses a socket the hub's
 * 5-second keep-alive timeout is closing when the bench's own thread was descheduled for seconds.
 */
async function postBatch(url: string, token: string, query: string, batch: unknown[]): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { d: batch } }),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (attempt >= 3 || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw error;
      console.error(JSON.stringify({ event: 'batch.resent', attempt, code }));
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const runs: { copy: number; floor: number; hub: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  const url = await freshDatabase(DB_NAME);
  try {
    // The hub's migrations first: the floor copies into tables shaped like the hub's.
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-bench-'));
    await runHubCommand(['parties', 'add', '--id', 'bench-platform', '--role', 'platform'], {
      ...process.env,
      DATABASE_URL: url,
      HUB_DATA_DIR: dataDir,
      NODE_ENV: 'production',
    });
    const copy = (await copyBaselineRate(url, documents)).rowsPerSecond;
    const floor = (await copyFloorRate(url, documents)).rowsPerSecond;
    const hub = await hubIngest(url, dataDir);
    if (hub.accepted !== documents.length) throw new Error(`hub accepted ${hub.accepted} of ${documents.length}`);
    runs.push({ copy, floor, hub: hub.rate });
    console.error(
      JSON.stringify({ run, copyRowsPerSecond: Math.round(copy), floorRowsPerSecond: Math.round(floor), hubRecordsPerSecond: Math.round(hub.rate) }),
    );
  } finally {
    await dropDatabase(DB_NAME);
  }
}
const result = {
  date: new Date().toISOString().slice(0, 10),
  documents: documents.length,
  batch: BATCH,
  concurrency: CONCURRENCY,
  runs: RUNS,
  copyRowsPerSecond: Math.round(median(runs.map((r) => r.copy))),
  floorRowsPerSecond: Math.round(median(runs.map((r) => r.floor))),
  hubRecordsPerSecond: Math.round(median(runs.map((r) => r.hub))),
  // Ratios per run (each against its own baselines), then their medians.
  ratioToFloor: Number(median(runs.map((r) => r.hub / r.floor)).toFixed(3)),
  ratioToCopyOneTable: Number(median(runs.map((r) => r.hub / r.copy)).toFixed(3)),
  floorToCopyOneTable: Number(median(runs.map((r) => r.floor / r.copy)).toFixed(3)),
};
console.log(JSON.stringify(result));
console.log(
  `| ingest, ${BATCH}-doc GraphQL batches ×${CONCURRENCY} | ${result.hubRecordsPerSecond.toLocaleString('en')} records/s | floor ${result.floorRowsPerSecond.toLocaleString('en')} /s | COPY one table ${result.copyRowsPerSecond.toLocaleString('en')} rows/s | ${result.ratioToFloor}× floor | ${result.ratioToCopyOneTable}× COPY | target ≥ 0.5× floor |`,
);
