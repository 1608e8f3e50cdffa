import type { Command } from 'commander';
import { verifyAccessLog, verifyConsentLedger } from '../audit/audit.service.ts';
import { withApp } from './open-app.ts';

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('the hash-chained access log')
    .command('verify')
    .description('recompute the access log chain and every subject\'s consent chain; name the first broken entry (exit 1 if any)')
    .action(async () => {
      await withApp(async (app) => {
        const report = await verifyAccessLog(app.database.session({ role: 'hub_audit' }));
        if (report.firstBreak === undefined) {
          process.stdout.write(`access log intact: ${report.entries} entries\n`);
        } else {
          process.stdout.write(`access log broken at entry ${report.firstBreak.seq} (${report.firstBreak.reason}); ${report.entries} entries before it verify\n`);
          process.exitCode = 1;
        }
        const consent = await verifyConsentLedger(app.database.session({ role: 'hub_audit' }));
        if (consent.firstBreak === undefined) {
          process.stdout.write(`consent ledger intact: ${consent.events} events\n`);
        } else {
          const at = consent.firstBreak;
          process.stdout.write(`consent ledger broken at subject ${at.subjectId} event ${at.seq} (${at.reason}); ${consent.events} events before it verify\n`);
          process.exitCode = 1;
        }
      });
    });
}
