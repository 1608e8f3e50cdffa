import type { Command } from 'commander';
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
        const created = await registerParty(app.database.session({ role: 'hub_admin' }), { id: options.id, role: options.role, ...(options.name ? { displayName: options.name } : {}) }, new Date());
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
}
