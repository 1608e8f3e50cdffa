import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { subjectRefFor } from '../../adapters/shared/subject-ref.ts';
import type { HubApp } from '../app.ts';
import { parseConfig, type HubConfig } from '../config.ts';
import {
  DEMO_PARTIES,
  demoExportsDir,
  demoSendersWithKeys,
  ensureDemoParties,
  ensureDemoSubjectKey,
  findDemoUserSubjectRef,
  formatDemoFileLine,
  isDemoSeeded,
  seedDemoThroughPush,
} from '../demo/demo-seed.ts';
import { seedDemoConsents } from '../demo/demo-consents.ts';
import { DEMO_USER_ID } from '../demo/demo-documents.ts';
import { demoHistoryDate, seedDemoLedger } from '../demo/demo-ledger.ts';
import { seedDemoWipes } from '../demo/demo-wipes.ts';
import { refreshPlannerStatistics } from '../db/planner-statistics.ts';
import { mintToken, type StoredPartyKey } from '../parties/local-key-store.ts';
import { startHub, stopOnSignals, type RunningHub } from '../main.ts';

interface DemoState {
  keys: Map<string, StoredPartyKey>;
  seeded: boolean;
  subjectKey: Uint8Array;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the hub (GraphQL at /graphql, /healthz, /readyz)')
    .option(
      '--demo',
      "create the demo parties on first start, then seed the demo data by writing the partners' native exports " +
        '(HUB_DATA_DIR/demo-exports) and pushing them through the adapters to this hub; print ready-to-paste tokens',
    )
    .action(async (options: { demo?: boolean }) => {
      const config = parseConfig();
      let demo: DemoState | undefined;
      // Before listening: the parties and keys must exist before anyone can push.
      const prepare = options.demo
        ? async (app: HubApp) => {
            demo = { keys: await ensureDemoParties(app), seeded: await isDemoSeeded(app), subjectKey: await ensureDemoSubjectKey(config.dataDir) };
          }
        : undefined;
      const hub = await startHub(config, prepare);
      stopOnSignals(hub);
      let demoTokens: Map<string, string> | undefined;
      let demoUser: { subjectRef: string; token: string } | undefined;
      if (demo !== undefined) {
        demoTokens = new Map();
        for (const party of DEMO_PARTIES) demoTokens.set(party.id, await mintToken(demo.keys.get(party.id)!, { hubId: config.hubId }));
        // Before the seed, the demo user's pseudonym is the one the platform's adapter will send: its key is ours.
        const subjectRef = demo.seeded ? await findDemoUserSubjectRef(hub.app, demo.subjectKey) : subjectRefFor(demo.subjectKey, DEMO_USER_ID);
        if (subjectRef !== undefined) {
          demoUser = { subjectRef, token: await mintToken(demo.keys.get('demo-platform')!, { hubId: config.hubId, subjectRef }) };
        }
      }
      const lines = [
        '',
        `Trade-in Exchange Hub on ${hub.app.database.target.kind === 'pglite' ? `embedded PGlite (${config.dataDir})` : 'PostgreSQL'}`,
        `  GraphQL   ${hub.url}/graphql${config.mode === 'production' ? '' : '   (GraphiQL in the browser)'}`,
        `  Health    ${hub.url}/healthz   ${hub.url}/readyz`,
        `  Pages     ${hub.url}/consent   ${hub.url}/insights   (open them with a token link: <page>#token=<token>)`,
        `  Firms     ${hub.url}/firms   ${hub.url}/firms.json   (the public list of participating firms)`,
      ];
      if (demoTokens !== undefined) {
        lines.push('', 'Demo tokens (valid 1 hour; mint fresh ones with: npm run hub -- tokens mint --party <id>):');
        for (const [party, token] of demoTokens) lines.push(`  ${party.padEnd(15)} ${token}`);
        if (demoUser !== undefined)
          lines.push(`  demo user (subjectRef ${demoUser.subjectRef}, signed by demo-platform):`, `                  ${demoUser.token}`);
        // The token rides in the URL fragment, which browsers never send: it reaches no server log.
        const brandToken = demoTokens.get('demo-brand');
        lines.push('', "Open in a browser (the same 1-hour tokens, in the link's #fragment):");
        if (demoUser !== undefined) lines.push(`  the demo user's consent centre   ${hub.url}/consent#token=${demoUser.token}`);
        if (brandToken !== undefined) lines.push(`  demo-brand's insights dashboard  ${hub.url}/insights#token=${brandToken}`);
        lines.push(
          '',
          'Try it:',
          `  curl -s ${hub.url}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
          `    -d '{"query":"mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}",` +
            `"variables":{"d":[{"externalRef":"MY-ORDER-1","category":"mobile_phone","brand":"Apple","model":"iPhone 13 128GB",` +
            `"usageMonths":30,"tradeInMonth":"2026-11","channel":"online","quotedValuationFen":180000}]}}'`,
          '  # as demo-brand: phones by model, consenting users only, noisy (differential privacy), rows released above a noisy threshold',
          `  curl -s ${hub.url}/graphql -H "authorization: Bearer $BRAND_TOKEN" -H 'content-type: application/json' \\`,
          `    -d '{"query":"{insights(purpose:\\"product-rnd\\",groupBy:[model],measures:[count,usageMonthsAvg,residualRatioP50],` +
            `filter:{category:[\\"mobile_phone\\"]}){... on Insights{rows{keys subjects values} suppressedGroups}}}"}'`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n\n`);
      if (demo !== undefined && !demo.seeded) {
        // After the tokens: the demo's partners push their files to this hub over HTTP, like any partner, while
        // it already answers. A failed seed stops the hub (the next start seeds again: pushes are idempotent).
        const seeding = demo;
        seedDemo(hub, config, seeding).catch(async (error: unknown) => {
          process.stderr.write(`tradein-hub: the demo seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exitCode = 1;
          await hub.stop();
        });
      }
    });
}

/** Writes the demo partners' exports and pushes them to the running hub, one progress line per file. */
async function seedDemo(hub: RunningHub, config: HubConfig, demo: DemoState): Promise<void> {
  const exportsDir = demoExportsDir(config.dataDir);
  process.stdout.write(
    `Seeding demo data (first start only, while the hub answers): writing the partners' exports to ${exportsDir} and pushing them ` +
      'through the adapters; insights answer once "Seeded" is printed…\n',
  );
  const started = performance.now();
  // The seed's own requests would each log a line at info; the progress below says it once per file.
  const level = hub.app.logger.level;
  if (level === 'info') hub.app.logger.level = 'warn';
  try {
    const report = await seedDemoThroughPush({
      endpoint: loopbackEndpoint(hub, config.host),
      exportsDir,
      subjectKey: demo.subjectKey,
      senders: demoSendersWithKeys(demo.keys, config.hubId),
      onFile: async (result) => {
        process.stdout.write(`${formatDemoFileLine(result)}\n`);
        // The embedded database has no autovacuum: the planner learns what each file loaded before the next.
        await refreshPlannerStatistics(hub.app.database.db);
      },
    });
    const now = new Date();
    const consents = await seedDemoConsents(hub.app, { exceptSubjectRef: await findDemoUserSubjectRef(hub.app, demo.subjectKey), at: demoHistoryDate(now, 2) });
    process.stdout.write(
      `  consents                     ${consents.productRnd} users grant product-rnd, ${consents.recyclingOptimization} also recycling-optimization; ` +
        'demo-brand and demo-recycler hold agreements\n',
    );
    await refreshPlannerStatistics(hub.app.database.db);
    const wipes = await seedDemoWipes(hub.app, now);
    process.stdout.write(`  wipes                        demo-notary attested ${wipes.attested} data wipes at demo-recycler, ${wipes.certified} certified\n`);
    const ledger = await seedDemoLedger(hub.app, now);
    const run = ledger.lastMonth.payout;
    process.stdout.write(
      `  revenue share                ${ledger.lastMonth.queries} queries billed in ${ledger.lastMonth.period}, its payout run paid ${run.paidFen} fen and carried ${run.carriedFen} fen ` +
        `(minimum ${run.minimumFen}); ${ledger.thisMonth.queries} query so far in ${ledger.thisMonth.period}\n`,
    );
    process.stdout.write(
      `Seeded ${report.tickets} trade-ins, ${report.inspections} inspections, ${report.dispositions} dispositions, ` +
        `${report.catalogue} catalogue models in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  } finally {
    hub.app.logger.level = level;
  }
}

/** The hub's own GraphQL URL as a local client reaches it (a wildcard listen address is not one to connect to). */
function loopbackEndpoint(hub: RunningHub, host: string): string {
  const loopback = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : undefined;
  if (loopback === undefined) return `${hub.url}/graphql`;
  return `http://${loopback}:${(hub.server.address() as AddressInfo).port}/graphql`;
}
