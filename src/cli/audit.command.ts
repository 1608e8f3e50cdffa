import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { verifyAccessLog, verifyConsentLedger, verifyConsentProjection } from '../audit/audit.service.ts';
import { CheckpointError } from '../audit/checkpoint.ts';
import { signCheckpoints, verifyCheckpoint } from '../audit/checkpoint.service.ts';
import { withApp } from './open-app.ts';

/** What `audit checkpoint --out` writes and `audit verify --checkpoint` reads. */
interface CheckpointFile {
  hub: string;
  /** The hub's public key at signing time, for reference; verification uses the hub's key (or the JWKS). */
  jwks: { keys: unknown[] };
  checkpoints: { chain: string; length: number; headHash: string; signedAt: string; jws: string }[];
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained access log and consent ledger: verify them, sign checkpoints');

  audit
    .command('checkpoint')
    .description('sign a checkpoint of each chain (length, head hash) with the hub key and write it to FILE, to keep outside the hub')
    .requiredOption('--out <file>', 'where to write the checkpoint file (JSON)')
    .action(async (options: { out: string }) => {
      await withApp(async (app) => {
        const signed = await signCheckpoints({
          db: app.database.session({ role: 'hub_audit' }),
          signingKey: app.signingKey,
          hubId: app.config.hubId,
          now: () => new Date(),
        });
        const file: CheckpointFile = {
          hub: app.config.hubId,
          jwks: { keys: [app.signingKey.publicJwk] },
          checkpoints: signed.map(({ claims, jws }) => ({
            chain: claims.chain,
            length: claims.length,
            headHash: claims.headHash,
            signedAt: claims.signedAt,
            jws,
          })),
        };
        await fs.writeFile(options.out, `${JSON.stringify(file, null, 2)}\n`, { flag: 'wx' });
        for (const c of file.checkpoints) process.stdout.write(`checkpoint ${c.chain}: ${c.length} entries, head ${c.headHash.slice(0, 16)}…\n`);
        process.stdout.write(`written to ${options.out}\n`);
      });
    });

  audit
    .command('verify')
    .description(
      "recompute the access log chain and every subject's consent chain, replay the consent ledger against the consents projection, " +
        'and with --checkpoint prove each chain still extends a kept checkpoint; name the first problem (exit 1 if any)',
    )
    .option('--checkpoint <file>', 'a checkpoint file written by `audit checkpoint` (or assembled from the auditCheckpoints query)')
    .action(async (options: { checkpoint?: string }) => {
      let file: CheckpointFile | undefined;
      if (options.checkpoint !== undefined) {
        try {
          file = JSON.parse(await fs.readFile(options.checkpoint, 'utf8')) as CheckpointFile;
          if (!Array.isArray(file.checkpoints)) throw new Error('no checkpoints');
        } catch {
          process.stderr.write(`${options.checkpoint} must be a checkpoint file written by \`tradein-hub audit checkpoint\`\n`);
          process.exitCode = 2;
          return;
        }
      }
      await withApp(async (app) => {
        // The audit role reads every chain; the owner is for migrations only.
        const db = app.database.session({ role: 'hub_audit' });
        const report = await verifyAccessLog(db);
        if (report.firstBreak === undefined) {
          process.stdout.write(`access log intact: ${report.entries} entries\n`);
        } else {
          process.stdout.write(
            `access log broken at entry ${report.firstBreak.seq} (${report.firstBreak.reason}); ${report.entries} entries before it verify\n`,
          );
          process.exitCode = 1;
        }
        const consent = await verifyConsentLedger(db);
        if (consent.firstBreak === undefined) {
          process.stdout.write(`consent ledger intact: ${consent.events} events\n`);
        } else {
          const at = consent.firstBreak;
          process.stdout.write(`consent ledger broken at subject ${at.subjectId} event ${at.seq} (${at.reason}); ${consent.events} events before it verify\n`);
          process.exitCode = 1;
        }
        const projection = await verifyConsentProjection(db);
        if (projection.firstDifference === undefined) {
          process.stdout.write(`consents projection matches the ledger: ${projection.rows} rows\n`);
        } else {
          const at = projection.firstDifference;
          process.stdout.write(`consents projection differs from the ledger at subject ${at.subjectId} purpose ${at.purpose} (${at.field})\n`);
          process.exitCode = 1;
        }
        for (const checkpoint of file?.checkpoints ?? []) {
          try {
            const { claims, finding } = await verifyCheckpoint(db, checkpoint.jws, app.signingKey.publicJwk);
            if (finding.ok) {
              process.stdout.write(`${claims.chain} extends the checkpoint of ${claims.signedAt} (${claims.length} entries)\n`);
            } else {
              process.stdout.write(
                `${claims.chain} no longer extends the checkpoint of ${claims.signedAt}: ${finding.reason} (checkpoint: ${finding.expected}; now: ${finding.found})\n`,
              );
              process.exitCode = 1;
            }
          } catch (error) {
            if (!(error instanceof CheckpointError)) throw error;
            process.stdout.write(`checkpoint for ${String(checkpoint.chain)} refused: ${error.message}\n`);
            process.exitCode = 1;
          }
        }
      });
    });
}
