import { type Command, InvalidArgumentError } from 'commander';
import { LedgerError } from '../ledger/ledger-error.ts';
import { runPayouts } from '../ledger/payout-run.ts';
import { isPeriod } from '../ledger/periods.ts';
import { withApp } from './open-app.ts';

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} yuan`;

export function registerPayoutsCommand(program: Command): void {
  program
    .command('payouts')
    .description("the users' revenue share: monthly payout runs")
    .command('run')
    .description(
      'close a period that has ended and pay it: accruals at or above the minimum are paid, the rest carried forward; one statement per platform. Running it again pays nothing twice.',
    )
    .requiredOption('--period <YYYY-MM>', 'the month to close (UTC)', (value: string) => {
      if (!isPeriod(value)) throw new InvalidArgumentError('period must be YYYY-MM');
      return value;
    })
    .option('--minimum-fen <fen>', 'pay accruals at or above this (default: HUB_PAYOUT_MINIMUM_FEN, 100)', (value: string) => {
      if (!/^[1-9]\d{0,8}$/.test(value)) throw new InvalidArgumentError('minimum must be a whole number of fen, at least 1');
      return Number(value);
    })
    .action(async (options: { period: string; minimumFen?: number }) => {
      await withApp(async (app) => {
        try {
          const run = await runPayouts(app.database.session({ role: 'hub_ledger' }), {
            period: options.period,
            minimumFen: options.minimumFen ?? app.config.payoutMinimumFen,
            now: new Date(),
          });
          const out = process.stdout;
          out.write(run.alreadyClosed ? `period ${run.period} was already closed; nothing paid now. Its run:\n` : `period ${run.period} closed.\n`);
          out.write(`  subjects ${run.subjects}, minimum ${run.minimumFen} fen\n`);
          out.write(
            `  earned ${run.earnedFen} fen + brought forward ${run.broughtForwardFen} fen = paid ${run.paidFen} fen (${yuan(run.paidFen)}) + carried ${run.carriedFen} fen\n`,
          );
          for (const statement of run.statements) {
            out.write(`  statement ${statement.platformId}: ${statement.subjects} users, ${statement.totalFen} fen (${yuan(statement.totalFen)})\n`);
          }
        } catch (error) {
          if (!(error instanceof LedgerError)) throw error;
          process.stderr.write(`payouts run refused (${error.code}): ${error.message}\n`);
          process.exitCode = 1;
        }
      });
    });
}
