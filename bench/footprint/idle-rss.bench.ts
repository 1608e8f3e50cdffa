// Idle memory of a hub process: `tradein-hub serve` started, /readyz answered, then left idle for a few
// seconds; its resident set (VmRSS) read from /proc. The compiled hub (dist/hub, what `npm start` runs) and
// the same sources under tsx (HUB_FROM_SOURCE=1), on PostgreSQL and on the embedded PGlite, interleaved in
// the same run; the median of BENCH_RUNS (default 3) each. No demo data: the hub's own footprint.
//
//   npm run bench:footprint
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { startHubProcess } from '../support/hub-process.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_MS = 5_000;
const DB_NAME = 'tradein_bench_footprint';

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function idleRss(database: 'postgres' | 'pglite', build: 'compiled' | 'tsx'): Promise<number> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-footprint-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HUB_DATA_DIR: dataDir, NODE_ENV: 'production', HUB_FROM_SOURCE: build === 'tsx' ? '1' : '0' };
  delete env.DATABASE_URL;
  if (database === 'postgres') env.DATABASE_URL = await freshDatabase(DB_NAME);
  try {
    const hub = await startHubProcess(env, 4900 + Math.floor(Math.random() * 90), 300_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      return await rssMb(hub.child.pid!);
    } finally {
      await hub.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

// The compiled runs must run a fresh build (the command falls back to tsx on a stale one).
execFileSync(process.execPath, ['src/cli/compiled-hub.js', '--if-stale'], { stdio: 'inherit' });
const samples: Record<string, number[]> = {};
for (let run = 0; run < RUNS; run++) {
  for (const database of ['postgres', 'pglite'] as const) {
    for (const build of ['compiled', 'tsx'] as const) {
      const mb = await idleRss(database, build);
      (samples[`${database}/${build}`] ??= []).push(mb);
      // Each sample as it comes: a long run on a loaded machine still leaves figures behind.
      process.stderr.write(`footprint sample: ${database}/${build} run ${run + 1}: ${mb.toFixed(1)} MB\n`);
    }
  }
}
await dropDatabase(DB_NAME);
const result: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10), runs: RUNS };
for (const [key, values] of Object.entries(samples)) result[`${key} idle RSS MB (median)`] = Math.round(median(values));
for (const database of ['postgres', 'pglite']) {
  result[`${database} compiled/tsx`] = Number((median(samples[`${database}/compiled`]!) / median(samples[`${database}/tsx`]!)).toFixed(2));
}
console.log(JSON.stringify(result, null, 2));
