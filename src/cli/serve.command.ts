import type { Command } from 'commander';
import type { HubApp } from '../app.ts';
import { parseConfig } from '../config.ts';
import { DEMO_PARTIES, ensureDemoParties, isDemoSeeded, seedDemoData } from '../demo/demo-seed.ts';
import { mintToken } from '../parties/local-key-store.ts';
import { startHub, stopOnSignals } from '../main.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the hub (GraphQL at /graphql, /healthz, /readyz)')
    .option('--demo', 'create the demo parties and data on first start, and print ready-to-paste tokens')
    .action(async (options: { demo?: boolean }) => {
      const config = parseConfig();
      let demoTokens: Map<string, string> | undefined;
      let demoUser: { subjectRef: string; token: string } | undefined;
      const prepare = options.demo
        ? async (app: HubApp) => {
            const keys = await ensureDemoParties(app);
            if (!(await isDemoSeeded(app))) {
              process.stdout.write('Seeding demo data (first start only)…\n');
              const started = performance.now();
              const report = await seedDemoData(app);
              process.stdout.write(
                `Seeded ${report.tickets} trade-ins, ${report.inspections} inspections, ${report.dispositions} dispositions, ` +
                  `${report.catalogue} catalogue models in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
              );
            }
            demoTokens = new Map();
            for (const party of DEMO_PARTIES) demoTokens.set(party.id, await mintToken(keys.get(party.id)!, { hubId: config.hubId }));
            const subjectRef = await firstDemoSubject(app);
            if (subjectRef !== undefined) {
              demoUser = { subjectRef, token: await mintToken(keys.get('demo-platform')!, { hubId: config.hubId, subjectRef }) };
            }
          }
        : undefined;
      const hub = await startHub(config, prepare);
      stopOnSignals(hub);
      const lines = [
        '',
        `Trade-in Exchange Hub on ${hub.app.database.target.kind === 'pglite' ? `embedded PGlite (${config.dataDir})` : 'PostgreSQL'}`,
        `  GraphQL   ${hub.url}/graphql${config.mode === 'production' ? '' : '   (GraphiQL in the browser)'}`,
        `  Health    ${hub.url}/healthz   ${hub.url}/readyz`,
      ];
      if (demoTokens !== undefined) {
        lines.push('', 'Demo tokens (valid 1 hour; mint fresh ones with: npm run hub -- tokens mint --party <id>):');
        for (const [party, token] of demoTokens) lines.push(`  ${party.padEnd(15)} ${token}`);
        if (demoUser !== undefined) lines.push(`  demo user (subjectRef ${demoUser.subjectRef}, signed by demo-platform):`, `                  ${demoUser.token}`);
        lines.push(
          '',
          'Try it:',
          `  curl -s ${hub.url}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
          `    -d '{"query":"mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}",` +
            `"variables":{"d":[{"externalRef":"MY-ORDER-1","category":"mobile_phone","brand":"Apple","model":"iPhone 13 128GB",` +
            `"usageMonths":30,"tradeInMonth":"2026-11","channel":"online","quotedValuationFen":180000}]}}'`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n\n`);
    });
}

async function firstDemoSubject(app: HubApp): Promise<string | undefined> {
  const row = await app.database.db
    .selectFrom('subjects')
    .select('subject_ref')
    .where('platform_id', '=', 'demo-platform')
    .orderBy('subject_ref')
    .limit(1)
    .executeTakeFirst();
  return row?.subject_ref;
}
