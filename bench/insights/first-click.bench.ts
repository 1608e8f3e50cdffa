// The /insights page's first click on the demo, embedded database (target: answer drawn ≤ 1 s). Starts the
// demo hub with `npm start` on a fresh PGlite data folder, waits for the seed ("Seeded …"), opens demo-brand's
// dashboard link in Debian's Chromium (playwright-core, test/web/browser.ts; never `playwright install`),
// clicks "run query" and times until the groups table shows its first count cell. BENCH_RUNS fresh pages
// (default 3; each a new browser context, so nothing is cached client-side), median reported. Baseline in
// the same run: the same requests the page sends, posted straight to /graphql from Node (their sum), so the
// ratio says what the page adds on top of the hub's answer. The later clicks repeat the first request
// over unchanged data: the hub recomputes the answer but charges no ε.
//
//   npm run bench:first-click
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../../test/web/browser.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEED_TIMEOUT_MS = Number(process.env.BENCH_SEED_TIMEOUT_MS ?? 1_800_000);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-first-click-dp-'));
const env: NodeJS.ProcessEnv = { ...process.env, HUB_DATA_DIR: dataDir, PORT: String(4900 + Math.floor(Math.random() * 90)) };
delete env.DATABASE_URL;
const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
let output = '';
try {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo was not seeded within the time limit')), SEED_TIMEOUT_MS);
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (piece: string) => {
      output += piece;
      if (/^Seeded \d+ trade-ins/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const seededSeconds = (performance.now() - started) / 1000;
  const link = /^ {2}demo-brand's insights dashboard\s+(\S+)$/m.exec(output)?.[1];
  if (link === undefined) throw new Error('the demo printed no insights link for demo-brand');
  const origin = new URL(link).origin;
  const token = decodeURIComponent(new URL(link).hash.replace(/^#token=/, ''));

  const browser = await launchChromium();
  const clicks: number[] = [];
  const sent: { query: string; variables: unknown }[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('request', (request) => {
        if (run === 0 && request.url().endsWith('/graphql') && request.method() === 'POST') {
          const body = request.postDataJSON() as { query: string; variables: Record<string, unknown> };
          if (body.query.includes('insights(')) sent.push(body);
        }
      });
      await page.goto(link);
      const button = page.getByRole('button', { name: /^(查询|Run query)$/ });
      await button.waitFor();
      await page.waitForFunction(() => {
        const b = [...document.querySelectorAll('button')].find((x) => /^(查询|Run query)$/.test(x.textContent ?? ''));
        return b !== undefined && !b.disabled;
      });
      const t0 = performance.now();
      await button.click();
      await page.locator('table.groups td[data-measure="count"]').first().waitFor({ timeout: 120_000 });
      clicks.push(performance.now() - t0);
      await context.close();
    }
  } finally {
    await browser.close();
  }

  // Baseline: the page's own requests, straight to the hub (repeats by now, like the later clicks).
  const direct: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (const body of sent) {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`the direct request failed: ${response.status}`);
      await response.json();
    }
    direct.push(performance.now() - t0);
  }
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
        seededSeconds: Number(seededSeconds.toFixed(1)),
        queriesPerClick: sent.length,
        clickToAnswerMs: clicks.map((ms) => Math.round(ms)),
        clickToAnswerMedianMs: Math.round(median(clicks)),
        directGraphqlMs: direct.map((ms) => Math.round(ms)),
        directGraphqlMedianMs: Math.round(median(direct)),
        ratio: Number((median(clicks) / median(direct)).toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  child.removeAllListeners('exit');
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((resolve) => child.once('close', resolve));
  await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
