import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { parseConfig } from '../config.ts';
import {
  DEMO_SENDERS,
  DEMO_TICKETS,
  demoExportsDir,
  demoSendersWithKeys,
  ensureDemoParties,
  ensureDemoSubjectKey,
  formatDemoFileLine,
  seedDemoThroughPush,
  type DemoSeedReport,
} from '../demo/demo-seed.ts';
import { readLocalPartyKey, type StoredPartyKey } from '../parties/local-key-store.ts';
import { withApp } from './open-app.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('demo data')
    .command('seed')
    .description(
      "write the demo partners' native exports (HUB_DATA_DIR/demo-exports) and push them through the adapters, as " +
        'partners do (idempotent: the hub replays what it holds). Without --endpoint it opens the database and serves ' +
        'a temporary hub on a loopback port to push to (stop an embedded-database hub first); with --endpoint it ' +
        'pushes to that running hub, whose demo parties `serve --demo` created',
    )
    .option('--tickets <n>', 'how many trade-ins', String(DEMO_TICKETS))
    .option('--endpoint <url>', 'push to this running hub, e.g. http://127.0.0.1:4000/graphql')
    .action(async (options: { tickets: string; endpoint?: string }) => {
      const tickets = Number(options.tickets);
      if (!Number.isInteger(tickets) || tickets < 1) throw new Error('--tickets must be a positive whole number');
      const config = parseConfig();
      const subjectKey = await ensureDemoSubjectKey(config.dataDir);
      const seed = async (endpoint: string, keys: ReadonlyMap<string, StoredPartyKey>) =>
        seedDemoThroughPush({
          endpoint,
          exportsDir: demoExportsDir(config.dataDir),
          subjectKey,
          tickets,
          senders: demoSendersWithKeys(keys, config.hubId),
          onFile: (result) => process.stdout.write(`${formatDemoFileLine(result)}\n`),
        });

      let report: DemoSeedReport;
      if (options.endpoint !== undefined) {
        const endpoint = options.endpoint;
        await checkHubAnswers(endpoint);
        const keys = new Map<string, StoredPartyKey>();
        for (const id of Object.values(DEMO_SENDERS)) {
          try {
            keys.set(id, await readLocalPartyKey(config.dataDir, id));
          } catch (error) {
            throw new Error(`${error instanceof Error ? error.message : String(error)}; start the hub once with \`serve --demo\` on this data folder`);
          }
        }
        report = await seed(endpoint, keys);
      } else {
        report = await withApp(async (app) => {
          const keys = await ensureDemoParties(app);
          const server = http.createServer(app.handler);
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => resolve());
          });
          try {
            return await seed(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, keys);
          } finally {
            await new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            });
          }
        });
      }
      const refused = report.files.reduce((sum, file) => sum + file.summary.rejected + file.summary.conflicts, 0);
      process.stdout.write(
        `demo data: ${report.tickets} trade-ins, ${report.inspections} inspections, ${report.dispositions} dispositions, ` +
          `${report.catalogue} catalogue models (${refused} rejected or conflicting)\n`,
      );
      process.exitCode = refused > 0 ? 2 : 0;
    });
}

/** Fails fast, naming the URL, when no hub answers there (the push would otherwise retry for a minute). */
async function checkHubAnswers(endpoint: string): Promise<void> {
  const health = new URL('/healthz', endpoint);
  try {
    await fetch(health, { signal: AbortSignal.timeout(5_000) });
  } catch {
    throw new Error(`no hub answers at ${health.origin}; start it with \`npm start\` (serve --demo) or omit --endpoint`);
  }
}
