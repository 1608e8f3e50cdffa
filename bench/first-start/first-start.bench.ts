// First start of the demo: wall clock from `npm start` (prestart checks included) to the printed demo
// tokens, on a fresh embedded-database data folder, median of BENCH_RUNS (default 3); in the first run it
// also waits for the seed ("Seeded …": 20,000 trade-ins pushed over HTTP by the demo's partners) and then
// times a later start on the same folder, in the same run.
//
//   npm run bench:first-start
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** BENCH_SEED=0 skips waiting for the seed and the later start (a loaded machine seeds for many minutes). */
const WAIT_FOR_SEED = process.env.BENCH_SEED !== '0';
const SEED_TIMEOUT_MS = 1_800_000;

interface StartTimes {
  tokensSeconds: number;
  seededSeconds?: number;
  /** When each step of the seed printed its line (each file pushed, the consents, the revenue share). */
  seedSteps?: Record<string, number>;
}

/** Runs `npm start` until the tokens are printed (and, when asked, the seed is done), then stops it. */
async function timeStart(dataDir: string, waitForSeed: boolean): Promise<StartTimes> {
  const env: NodeJS.ProcessEnv = { ...process.env, HUB_DATA_DIR: dataDir, PORT: String(4800 + Math.floor(Math.random() * 90)) };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const times: Partial<StartTimes> = {};
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the hub did not finish within the time limit')), SEED_TIMEOUT_MS);
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
      child.stdout!.setEncoding('utf8').on('data', (piece: string) => {
        output += piece;
        const seconds = (performance.now() - started) / 1000;
        if (times.tokensSeconds === undefined && output.includes('Demo tokens')) times.tokensSeconds = seconds;
        if (times.seededSeconds === undefined && /^Seeded \d+ trade-ins/m.test(output)) times.seededSeconds = seconds;
        const seeding = output.indexOf('Seeding demo data');
        if (seeding !== -1) {
          for (const [, step] of output.slice(seeding).matchAll(/^ {2}(\S+)/gm)) {
            times.seedSteps ??= {};
            times.seedSteps[step!] ??= Number(seconds.toFixed(1));
          }
        }
        if (times.tokensSeconds !== undefined && (!waitForSeed || times.seededSeconds !== undefined)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    child.removeAllListeners('exit');
    // npm and the hub under it: stop the whole group, and wait until the embedded database is closed.
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
  }
  return times as StartTimes;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const firsts: number[] = [];
let seeded: number | undefined;
let seedSteps: Record<string, number> | undefined;
let later: number | undefined;
for (let run = 0; run < RUNS; run++) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-first-start-'));
  try {
    const first = await timeStart(dataDir, WAIT_FOR_SEED && run === 0);
    firsts.push(first.tokensSeconds);
    if (WAIT_FOR_SEED && run === 0) {
      seeded = first.seededSeconds;
      seedSteps = first.seedSteps;
      later = (await timeStart(dataDir, false)).tokensSeconds;
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString().slice(0, 10),
      runs: RUNS,
      firstStartToTokensSeconds: firsts.map((s) => Number(s.toFixed(1))),
      firstStartToTokensMedianSeconds: Number(median(firsts).toFixed(1)),
      firstStartToSeededSeconds: seeded === undefined ? null : Number(seeded.toFixed(1)),
      // Seconds from the start at which each seed step's line was printed (files, consents, revenue share).
      seedStepsPrintedAtSeconds: seedSteps ?? null,
      laterStartToTokensSeconds: later === undefined ? null : Number(later.toFixed(1)),
    },
    null,
    2,
  ),
);
