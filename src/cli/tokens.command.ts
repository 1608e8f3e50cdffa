import type { Command } from 'commander';
import { parseConfig } from '../config.ts';
import { mintToken, readLocalPartyKey } from '../parties/local-key-store.ts';

export function registerTokensCommand(program: Command): void {
  program
    .command('tokens')
    .description('tokens signed with keys kept in the data folder (development and demo)')
    .command('mint')
    .description('print a token signed as the party; with --subject, a user token for that subjectRef')
    .requiredOption('--party <id>', 'the signing party (a platform, for user tokens)')
    .option('--subject <ref>', "the user's subjectRef: mints a user token with the consent scope")
    .option('--ttl <seconds>', 'lifetime in seconds (at most 3600)', '3600')
    .action(async (options: { party: string; subject?: string; ttl: string }) => {
      const config = parseConfig();
      const ttlSeconds = Number(options.ttl);
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 3600) throw new Error('--ttl must be a whole number of seconds from 1 to 3600');
      // Reads only the key file, never the database, so it works while the hub holds the embedded database.
      const key = await readLocalPartyKey(config.dataDir, options.party);
      const token = await mintToken(key, { hubId: config.hubId, ttlSeconds, ...(options.subject ? { subjectRef: options.subject } : {}) });
      process.stdout.write(`${token}\n`);
    });
}
