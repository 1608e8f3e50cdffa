import type { Command } from 'commander';
import { DEMO_TICKETS, ensureDemoParties, seedDemoData } from '../demo/demo-seed.ts';
import { withApp } from './open-app.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('demo data')
    .command('seed')
    .description('create the demo parties and seed synthetic data through the ingest path (idempotent)')
    .option('--tickets <n>', 'how many trade-ins', String(DEMO_TICKETS))
    .action(async (options: { tickets: string }) => {
      const tickets = Number(options.tickets);
      if (!Number.isInteger(tickets) || tickets < 1) throw new Error('--tickets must be a positive whole number');
      await withApp(async (app) => {
        await ensureDemoParties(app);
        const report = await seedDemoData(app, { tickets });
        process.stdout.write(`demo data: ${report.tickets} trade-ins, ${report.inspections} inspections, ${report.dispositions} dispositions, ${report.catalogue} catalogue models (${report.rejected} not newly accepted)\n`);
      });
    });
}
