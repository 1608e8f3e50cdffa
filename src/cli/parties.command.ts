import type { Command } from 'commander';
import { listFirms } from '../firms/firms.repository.ts';
import { registerFirm, setFirmStatus } from '../firms/firms.service.ts';
import { FIRM_CAPACITIES, FIRM_STATUSES } from '../firms/firms.table.ts';
import { listParties } from '../parties/parties.repository.ts';
import { registerParty } from '../parties/parties.service.ts';
import { PARTY_ROLES } from '../parties/parties.table.ts';
import { withApp } from './open-app.ts';

export function registerPartiesCommand(program: Command): void {
  const parties = program.command('parties').description('register and list parties (operator)');
  parties
    .command('add')
    .description('register a party')
    .requiredOption('--id <id>', 'party id: 2–63 lowercase letters, digits or hyphens')
    .requiredOption('--role <role>', `one of ${PARTY_ROLES.join(', ')}`)
    .option('--name <name>', 'display name')
    .action(async (options: { id: string; role: string; name?: string }) => {
      await withApp(async (app) => {
        const created = await registerParty(
          app.database.session({ role: 'hub_admin' }),
          { id: options.id, role: options.role, ...(options.name ? { displayName: options.name } : {}) },
          new Date(),
        );
        process.stdout.write(created ? `registered ${options.id} (${options.role})\n` : `${options.id} already exists; nothing changed\n`);
      });
    });
  parties
    .command('list')
    .description('list parties')
    .action(async () => {
      await withApp(async (app) => {
        for (const party of await listParties(app.database.session({ role: 'hub_admin' }))) {
          process.stdout.write(`${party.id.padEnd(24)} ${party.role.padEnd(10)} ${party.displayName}${party.disabledAt ? ' (disabled)' : ''}\n`);
        }
      });
    });
  parties
    .command('firm')
    .description('register a party in the participating-firm registry, or replace its entry')
    .requiredOption('--id <id>', 'party id')
    .requiredOption('--capacity <list>', `comma-separated, from ${FIRM_CAPACITIES.join(', ')}`)
    .option('--credit-code <code>', 'unified social credit code (18 characters, GB 32100-2015)')
    .option('--licence <number>', 'dismantling licence number (dismantlers only)')
    .option('--licence-valid-until <date>', 'YYYY-MM-DD (with --licence)')
    .option('--status <status>', `one of ${FIRM_STATUSES.join(', ')}`, 'active')
    .action(async (options: { id: string; capacity: string; creditCode?: string; licence?: string; licenceValidUntil?: string; status: string }) => {
      await withApp(async (app) => {
        const firm = await registerFirm(
          app.database.db,
          {
            partyId: options.id,
            capacities: options.capacity
              .split(',')
              .map((c) => c.trim())
              .filter((c) => c !== ''),
            creditCode: options.creditCode ?? null,
            licenceNumber: options.licence ?? null,
            licenceValidUntil: options.licenceValidUntil ?? null,
            status: options.status,
          },
          new Date(),
        );
        process.stdout.write(`registered firm ${firm.partyId} (${firm.capacities.join(', ')}; ${firm.status})\n`);
      });
    });
  parties
    .command('firm-status')
    .description('admit, suspend or withdraw a registered firm')
    .requiredOption('--id <id>', 'party id')
    .requiredOption('--status <status>', `one of ${FIRM_STATUSES.join(', ')}`)
    .action(async (options: { id: string; status: string }) => {
      await withApp(async (app) => {
        const firm = await setFirmStatus(app.database.db, options.id, options.status, new Date());
        process.stdout.write(`firm ${firm.partyId} is now ${firm.status}\n`);
      });
    });
  parties
    .command('firms')
    .description('list the participating-firm registry')
    .action(async () => {
      await withApp(async (app) => {
        for (const firm of await listFirms(app.database.db)) {
          const licence = firm.licenceValidUntil === null ? '' : ` licence until ${firm.licenceValidUntil}`;
          process.stdout.write(
            `${firm.partyId.padEnd(24)} ${firm.status.padEnd(10)} ${(firm.creditCode ?? '-').padEnd(18)} ${firm.capacities.join(',')}${licence}\n`,
          );
        }
      });
    });
}
