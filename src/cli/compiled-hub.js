// The compiled hub: `tsc -p tsconfig.build.json` turns src/ and adapters/ into JavaScript under dist/hub/,
// which `npm start` and the `tradein-hub` command run (tsx is for development and tests only). Plain
// JavaScript so it runs before anything is compiled. `npm install` builds it (`prepare`), `npm start`
// rebuilds it when a source is newer than the build (`prestart`: `node src/cli/compiled-hub.js --if-stale`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_DIR = path.join(ROOT, 'dist', 'hub');
const STAMP_FILE = path.join(BUILD_DIR, 'build-stamp.json');
/**
 * What the build reads: a change to any of these makes the build stale. The browser pages build apart;
 * package.json is left out (a new script or dependency changes no compiled file).
 */
const SOURCES = ['src', 'adapters', 'schema', 'tsconfig.json', 'tsconfig.build.json'];
const SKIPPED = new Set([path.join(ROOT, 'src', 'web')]);

/** The compiled CLI entry point. */
export const COMPILED_PROGRAM = pathToFileURL(path.join(BUILD_DIR, 'src', 'cli', 'program.js'));

function newestMtime(file) {
  if (SKIPPED.has(file)) return 0;
  let stat;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if (error.code === 'ENOENT') return 0;
    throw error;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, name)));
  return newest;
}

function newestSourceMtime() {
  return Math.max(...SOURCES.map((name) => newestMtime(path.join(ROOT, name))));
}

/** True when dist/hub exists and was built from sources no older than the ones on disk now. */
export function isCompiledHubFresh() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(STAMP_FILE, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT' || error instanceof SyntaxError) return false;
    throw error;
  }
  return typeof stamp.sourcesMtimeMs === 'number' && stamp.sourcesMtimeMs >= newestSourceMtime() && fs.existsSync(COMPILED_PROGRAM);
}

/** True when a build exists at all (fresh or not): what an install without TypeScript runs. */
export function isCompiledHubPresent() {
  return fs.existsSync(COMPILED_PROGRAM);
}

/**
 * Compiles the hub with tsc. The stamp records the source time read *before* compiling, so a file edited
 * during the build makes the next check stale. Returns tsc's exit code (type errors still emit, and fail).
 */
export function buildCompiledHub() {
  const sourcesMtimeMs = newestSourceMtime();
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('typescript is not installed (dev dependencies omitted?): the hub was not compiled; run `npm run build` where it is.\n');
    return 0;
  }
  // A stale incremental state would let tsc skip files whose output was deleted: build from scratch.
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) return result.status ?? 1;
  fs.writeFileSync(STAMP_FILE, `${JSON.stringify({ sourcesMtimeMs, builtAt: new Date().toISOString() })}\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--if-stale') && isCompiledHubFresh()) process.exit(0);
  const started = performance.now();
  const status = buildCompiledHub();
  if (status === 0 && isCompiledHubPresent()) {
    process.stdout.write(
      `hub compiled into ${path.relative(process.cwd(), BUILD_DIR) || BUILD_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  process.exit(status);
}
