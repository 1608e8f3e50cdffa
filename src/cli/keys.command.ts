import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { createLocalPartyKey } from '../parties/local-key-store.ts';
import { revokePartyKey } from '../parties/parties.repository.ts';
import { registerPartyKey } from '../parties/parties.service.ts';
import { withApp } from './open-app.ts';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description("manage parties' public keys (operator)");
  keys
    .command('add')
    .description('register a public key (JWK, ES256 or EdDSA) for a party')
    .requiredOption('--party <id>', 'the party')
    .option('--jwk <file>', 'a file holding the public JWK')
    .option('--generate', 'generate a key pair, keep the private key in the data folder (development only)')
    .option('--alg <alg>', 'with --generate: ES256 or EdDSA', 'ES256')
    .action(async (options: { party: string; jwk?: string; generate?: boolean; alg: string }) => {
      if ((options.jwk === undefined) === (options.generate !== true)) throw new Error('give exactly one of --jwk FILE or --generate');
      await withApp(async (app) => {
        let jwk: JWK;
        if (options.generate) {
          if (options.alg !== 'ES256' && options.alg !== 'EdDSA') throw new Error('--alg must be ES256 or EdDSA');
          jwk = (await createLocalPartyKey(app.config.dataDir, options.party, options.alg)).publicJwk;
        } else {
          jwk = JSON.parse(await fs.readFile(options.jwk!, 'utf8')) as JWK;
        }
        const kid = await registerPartyKey(app.database.session({ role: 'hub_admin' }), options.party, jwk, new Date());
        process.stdout.write(`registered key ${kid} for ${options.party}\n`);
      });
    });
  keys
    .command('revoke')
    .description("revoke a party's key; tokens it signed stop working")
    .requiredOption('--party <id>', 'the party')
    .requiredOption('--kid <kid>', 'the key id')
    .action(async (options: { party: string; kid: string }) => {
      await withApp(async (app) => {
        const revoked = await revokePartyKey(app.database.session({ role: 'hub_admin' }), options.party, options.kid, new Date());
        process.stdout.write(revoked ? `revoked ${options.kid}\n` : `no active key ${options.kid} for ${options.party}\n`);
      });
    });
}
