import type { Command } from 'commander';
import { withApp } from './open-app.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (serve also does this on start)')
    .action(async () => {
      await withApp(async (app) => {
        process.stdout.write(`database is up to date (${app.database.target.kind})\n`);
      });
    });
}
