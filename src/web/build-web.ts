/**
 * Builds the web pages (src/web → dist/web) with Vite. `npm install` runs it through `prepare`, `npm start`
 * through `prestart` with `--if-stale`, and the browser tests' global setup calls `ensureWebPagesBuilt`, so
 * the hub never serves pages that are missing or older than their sources.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WEB_SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Where the built pages live; src/server/web-pages.ts serves from here. Git-ignored. */
export const WEB_BUILD_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));
const STAMP_FILE = 'build-stamp.json';

/** The newest modification time (ms) of any file under the web sources. */
async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? await newestSourceMtime(full) : (await fs.stat(full)).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** True when dist/web exists and was built from sources no older than the ones on disk now. */
export async function isWebBuildFresh(): Promise<boolean> {
  let stamp: { sourcesMtimeMs?: unknown };
  try {
    stamp = JSON.parse(await fs.readFile(path.join(WEB_BUILD_DIR, STAMP_FILE), 'utf8')) as { sourcesMtimeMs?: unknown };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return false;
    throw error;
  }
  return typeof stamp.sourcesMtimeMs === 'number' && stamp.sourcesMtimeMs >= (await newestSourceMtime(WEB_SOURCE_DIR));
}

/**
 * Builds into a staging folder, then swaps it in by renaming, so a hub (or a concurrent test run) reading
 * dist/web never sees a half-written build. The stamp records the source time read *before* building: a
 * file edited during the build makes the next check stale.
 */
export async function buildWebPages(): Promise<void> {
  const sourcesMtimeMs = await newestSourceMtime(WEB_SOURCE_DIR);
  const staging = `${WEB_BUILD_DIR}.staging-${process.pid}`;
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB_SOURCE_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
  await fs.writeFile(path.join(staging, STAMP_FILE), `${JSON.stringify({ sourcesMtimeMs, builtAt: new Date().toISOString() })}\n`);
  for (let attempt = 0; ; attempt++) {
    const previous = `${WEB_BUILD_DIR}.previous-${process.pid}-${attempt}`;
    await fs.rename(WEB_BUILD_DIR, previous).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    try {
      await fs.rename(staging, WEB_BUILD_DIR);
      await fs.rm(previous, { recursive: true, force: true });
      return;
    } catch (error) {
      // Another build swapped its own in between our two renames: move that one aside too and retry.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '') || attempt >= 5) throw error;
      await fs.rm(previous, { recursive: true, force: true });
    }
  }
}

/** Builds unless the build is fresh; says whether it built. */
export async function ensureWebPagesBuilt(): Promise<boolean> {
  if (await isWebBuildFresh()) return false;
  await buildWebPages();
  return true;
}

/** Vite is a development dependency: an install without them (`npm install --omit=dev`) cannot build. */
async function viteInstalled(): Promise<boolean> {
  try {
    await import('vite');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return false;
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ifStale = process.argv.includes('--if-stale');
  const started = performance.now();
  if (ifStale && (await isWebBuildFresh())) process.exit(0);
  if (!(await viteInstalled())) {
    // Not fatal: the hub's API works without its pages, which answer 503 naming the command meanwhile.
    process.stderr.write('vite is not installed (dev dependencies omitted?): the web pages were not built; run `npm run build:web` where it is.\n');
    process.exit(0);
  }
  await buildWebPages();
  process.stdout.write(
    `web pages built into ${path.relative(process.cwd(), WEB_BUILD_DIR) || WEB_BUILD_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
