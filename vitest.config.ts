import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Pothos requires the CJS one, so tests must not load the ESM one
    // beside it (two copies of graphql refuse each other's types, as they would in production).
    alias: { graphql: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Looks for Chromium once: without it the browser tests skip with one loud line (CI requires them).
    globalSetup: ['test/support/browser-check.ts'],
    // Each database test file opens its own PGlite instance or PostgreSQL schema; PGlite
    // compiles its WebAssembly per instance, so files get generous time on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
