import fs from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { AdapterOptions } from '../../adapters/adapter.ts';
import { ADAPTERS } from '../../adapters/registry.ts';
import { parseConfig } from '../config.ts';
import { readLocalPartyKey } from '../parties/local-key-store.ts';
import { createProgressReporter } from '../push/progress-reporter.ts';
import { PushError } from '../push/push-error.ts';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, pushFile, resolveAdapter } from '../push/push-file.ts';
import { formatSummary } from '../push/push-summary.ts';
import { fixedToken, mintedTokens, type TokenSource } from '../push/token-source.ts';

interface PushCommandOptions {
  adapter: string;
  file: string;
  endpoint?: string;
  token?: string;
  party?: string;
  batch: string;
  dryRun?: boolean;
  platform: string;
  recycler?: string;
  subjectKeyFile?: string;
  mapping?: string;
  rejects?: string;
  checkpoint: boolean;
}

// HMAC keys shorter than the hash are weaker than the pseudonym they protect.
const MIN_SUBJECT_KEY_BYTES = 32;

/** The platform's subjectRef key: the file's bytes, without one trailing newline. */
async function readSubjectKey(file: string): Promise<Uint8Array> {
  let key = await fs.readFile(file);
  if (key.at(-1) === 0x0a) key = key.subarray(0, key.at(-2) === 0x0d ? -2 : -1);
  if (key.length < MIN_SUBJECT_KEY_BYTES) throw new PushError('push.bad_options', `--subject-key-file must hold at least ${MIN_SUBJECT_KEY_BYTES} bytes`);
  return key;
}

/**
 * `push`: a partner file → adapter → partner-side privacy gate → batches to the hub. Exit status 0 when
 * every row was accepted, 2 when some were rejected or conflicted (see the rejects report), 130 when
 * interrupted (run it again to finish), 1 on a failure that stopped the push.
 */
export function registerPushCommand(program: Command): void {
  program
    .command('push')
    .description('map a partner export with an adapter and push it to the hub in batches (idempotent, resumable)')
    .requiredOption('--adapter <name>', `the adapter: ${Object.keys(ADAPTERS).join(', ')}`)
    .requiredOption('--file <path>', 'the export to push (CSV, or JSON for platform-orders-json)')
    .option('--endpoint <url>', 'the hub GraphQL endpoint (default http://127.0.0.1:$PORT/graphql)')
    .addOption(new Option('--token <jwt>', 'a bearer token signed by the pushing party').env('TRADEIN_HUB_TOKEN').conflicts('party'))
    .option('--party <id>', 'mint tokens with this party key from the data folder (development and demo)')
    .option('--batch <n>', `documents per request, 1–${MAX_BATCH_SIZE}`, String(DEFAULT_BATCH_SIZE))
    .option('--dry-run', 'map and check locally, write the rejects report, send nothing')
    .option('--platform <id>', 'the platform party id inspections and dispositions refer to', 'demo-platform')
    .option('--recycler <id>', 'the recycler party id each trade-in is handed to (trade-in adapters; without it, hand tickets over with handOverTicket)')
    .option('--subject-key-file <path>', "the platform's HMAC key for subjectRef (without it, trade-ins are anonymous)")
    .option('--mapping <path>', 'the YAML mapping for mapped-csv')
    .option('--rejects <path>', 'the rejects report (default <file>.rejects.csv)')
    .option('--no-checkpoint', 'do not keep or use the checkpoint next to the rejects report')
    .action(async (options: PushCommandOptions) => {
      const config = parseConfig();
      const adapterOptions: AdapterOptions = { platform: options.platform };
      if (options.mapping !== undefined) adapterOptions.mapping = parseYaml(await fs.readFile(options.mapping, 'utf8'));
      const { kind } = resolveAdapter(options.adapter, adapterOptions);
      if (options.recycler !== undefined) {
        if (kind !== 'tradein') throw new PushError('push.bad_options', '--recycler applies to trade-in adapters only');
        adapterOptions.recycler = options.recycler;
      }
      if (options.subjectKeyFile !== undefined) {
        if (kind !== 'tradein') throw new PushError('push.bad_options', '--subject-key-file applies to trade-in adapters only');
        adapterOptions.subjectKey = await readSubjectKey(options.subjectKeyFile);
      }
      let tokens: TokenSource | undefined;
      if (options.token !== undefined) tokens = fixedToken(options.token);
      else if (options.party !== undefined) tokens = mintedTokens(await readLocalPartyKey(config.dataDir, options.party), { hubId: config.hubId });
      else if (options.dryRun !== true) throw new PushError('push.bad_options', 'push needs --token or --party (or --dry-run)');

      // The first Ctrl-C stops after the current row and keeps the checkpoint; a second one kills.
      const controller = new AbortController();
      const onInterrupt = () => {
        process.stderr.write('\npush: stopping; run the same command again to finish\n');
        controller.abort(new Error('interrupted'));
      };
      process.once('SIGINT', onInterrupt);
      try {
        const summary = await pushFile({
          adapter: options.adapter,
          file: options.file,
          adapterOptions,
          endpoint: options.endpoint ?? `http://127.0.0.1:${config.port}/graphql`,
          ...(tokens ? { tokens } : {}),
          batchSize: Number(options.batch),
          dryRun: options.dryRun === true,
          ...(options.rejects ? { rejectsFile: options.rejects } : {}),
          checkpoint: options.checkpoint,
          signal: controller.signal,
          progress: createProgressReporter(process.stderr),
        });
        process.stdout.write(formatSummary(summary));
        process.exitCode = summary.interrupted ? 130 : summary.rejected + summary.conflicts > 0 ? 2 : 0;
      } finally {
        process.removeListener('SIGINT', onInterrupt);
      }
    });
}
