import type { Command } from 'commander';
import { verifyLedger } from '../ledger/ledger-verify.ts';
import { withApp } from './open-app.ts';

export function registerLedgerCommand(program: Command): void {
  program
    .command('ledger')
    .description('the revenue-share journal')
    .command('verify')
    .description(
      'check every ledger invariant on the live database (journals balance, balances match the journal, splits exact, paid + carried = accrued, statements add up); exit 1 on any failure',
    )
    .action(async () => {
      await withApp(async (app) => {
        const report = await verifyLedger(app.database.session({ role: 'hub_ledger' }));
        for (const check of report.checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}${check.ok ? '' : `: ${check.detail}`}\n`);
        const counts = report.counts;
        process.stdout.write(
          `${report.ok ? 'ledger clean' : 'ledger BROKEN'}: ${counts.journals} journals, ${counts.lines} lines, ${counts.contributions} contributions, ${counts.payout_runs} payout runs\n`,
        );
        if (!report.ok) process.exitCode = 1;
      });
    });
}
