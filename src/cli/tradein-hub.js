#!/usr/bin/env node
// The `tradein-hub` command. It runs the compiled hub (dist/hub, built by `npm install` and by `npm start`
// when sources changed: src/cli/compiled-hub.js). Where that build is missing or older than the sources
// (a developer editing them, or HUB_FROM_SOURCE=1), it runs the TypeScript sources through tsx's loader.
import { COMPILED_PROGRAM, isCompiledHubFresh, isCompiledHubPresent } from './compiled-hub.js';

async function loadProgram() {
  if (process.env.HUB_FROM_SOURCE !== '1' && isCompiledHubFresh()) return import(COMPILED_PROGRAM.href);
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch (error) {
    // An install without development dependencies has no tsx: run whatever build it has.
    if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    if (isCompiledHubPresent()) return import(COMPILED_PROGRAM.href);
    process.stderr.write('tradein-hub: the hub is not compiled and tsx is not installed: run `npm install` (or `npm run build`)\n');
    process.exit(1);
  }
  return import('./program.ts');
}

const { runCli } = await loadProgram();
await runCli(process.argv);
