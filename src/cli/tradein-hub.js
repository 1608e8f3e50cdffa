#!/usr/bin/env node
// The `tradein-hub` command. The hub is written in TypeScript and run through tsx's loader, registered
// here relative to this file so the command works from any directory.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./program.ts');
await runCli(process.argv);
