// Bulk path: a 1M-row NDJSON file streamed to POST /bulk/tradein (validated, PII-scanned, idempotent,
// stored in 1,000-row transactions, one set-based statement each), against two COPY baselines of the same
// rows in the same PostgreSQL and the same run: the floor (COPY of every row the hub writes per trade-in,
// into copies of its tables) and COPY of the records alone into one table; plus the peak RSS of the client
// process and of the hub process.
//
//   npm run bench:bulk                 # 1,000,000 rows
//   BENCH_ROWS=200000 npm run bench:bulk
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mintToken, readLocalPartyKey } from '../../src/parties/local-key-store.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { copyBaselineRate } from '../support/copy-baseline.ts';
import { copyFloorRate } from '../ingest/copy-floor.ts';
import { runHubCommand, startHubProcess } from '../support/hub-process.ts';
import { streamTradeIns, writeTradeInsNdjson } from './write-ndjson.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DB_NAME = 'tradein_bench_bulk';
const CLIENT = fileURLToPath(new URL('./bulk-client.process.ts', import.meta.url));

async function peakRssKb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-bulk-bench-'));
const file = path.join(dataDir, 'tradeins.ndjson');
await writeTradeInsNdjson(file, ROWS, 'bench-platform');
const url = await freshDatabase(DB_NAME);
try {
  const env = { ...process.env, DATABASE_URL: url, HUB_DATA_DIR: dataDir, NODE_ENV: 'production' };
  // The hub's migrations first: the floor copies into tables shaped like the hub's.
  await runHubCommand(['parties', 'add', '--id', 'bench-platform', '--role', 'platform'], env);
  const copy = await copyBaselineRate(url, streamTradeIns(ROWS, 'bench-platform'));
  const floor = await copyFloorRate(url, streamTradeIns(ROWS, 'bench-platform'));
  await runHubCommand(['keys', 'add', '--party', 'bench-platform', '--generate'], env);
  const hub = await startHubProcess(env, 4900 + Math.floor(Math.random() * 90));
  let client: { summary: { accepted: number }; notAccepted: number; seconds: number; maxRssKb: number };
  let serverRssKb: number;
  try {
    const token = await mintToken(await readLocalPartyKey(dataDir, 'bench-platform'), { hubId: 'tradein-hub' });
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLIENT, hub.url, token, file], { maxBuffer: 1 << 20 });
    client = JSON.parse(stdout);
    serverRssKb = await peakRssKb(hub.child.pid!);
  } finally {
    await hub.stop();
  }
  // A few generated pseudonyms fall foul of the subjectRef vocabulary rule (they decode to text); those rows
  // are answered as rejected like any other and counted, but a broken run is not a result.
  if (client.summary.accepted < ROWS * 0.999) throw new Error(`hub accepted ${client.summary.accepted} of ${ROWS}`);
  const rate = ROWS / client.seconds;
  const result = {
    date: new Date().toISOString().slice(0, 10),
    rows: ROWS,
    accepted: client.summary.accepted,
    copyRowsPerSecond: Math.round(copy.rowsPerSecond),
    floorRowsPerSecond: Math.round(floor.rowsPerSecond),
    bulkRowsPerSecond: Math.round(rate),
    ratioToFloor: Number((rate / floor.rowsPerSecond).toFixed(3)),
    ratioToCopyOneTable: Number((rate / copy.rowsPerSecond).toFixed(3)),
    clientPeakRssMb: Math.round(client.maxRssKb / 1024),
    serverPeakRssMb: Math.round(serverRssKb / 1024),
  };
  console.log(JSON.stringify(result));
} finally {
  await dropDatabase(DB_NAME);
  await fs.rm(dataDir, { recursive: true, force: true });
}
