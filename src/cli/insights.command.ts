import type { Command } from 'commander';
import { rebuildStore, type StoreDifference } from '../insights/insights.repository.ts';
import { withApp } from './open-app.ts';

const line = (name: string, d: StoreDifference) => `${name}: ${d.added} added, ${d.changed} changed, ${d.removed} removed`;

export function registerInsightsCommand(program: Command): void {
  program
    .command('insights')
    .description('the analytic store insights are answered from')
    .command('rebuild')
    .description(
      'recompute the analytic store from the base tables, report the differences (counts of cells and value counts only) and repair them; exit 1 when there were differences',
    )
    .option('--check', 'report only, change nothing')
    .action(async (options: { check?: boolean }) => {
      await withApp(async (app) => {
        const report = await app.database.db.transaction().execute((tx) => rebuildStore(tx, new Date(), { repair: options.check !== true }));
        process.stdout.write(
          `${line('cells', report.cells)}\n${line('value counts', report.values)}\n${line('fault counts', report.faults)}\n` +
            `${line('rollups', report.rollups)}\n${line('rollup value counts', report.rollupValues)}\n${line('rollup label counts', report.rollupLabels)}\n`,
        );
        const differs = [report.cells, report.values, report.faults, report.rollups, report.rollupValues, report.rollupLabels].some(
          (d) => d.added + d.changed + d.removed > 0,
        );
        process.stdout.write(
          differs
            ? report.repaired
              ? 'store differed from the base tables; rebuilt\n'
              : 'store differs from the base tables; not changed (--check)\n'
            : 'store matches the base tables\n',
        );
        if (differs) process.exitCode = 1;
      });
    });
}
