import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { keyedHash } from './keyed-hash.ts';

const SECRET_FILE = 'hub-secret.key';
const FINGERPRINT_SETTING = 'keyed_hash_fingerprint';

export class HubSecretError extends Error {
  override readonly name = 'HubSecretError';
}

/**
 * Loads the hub's keyed-hash secret: `HUB_SECRET` (base64, ≥ 32 bytes) if set, else `<dataDir>/keys/hub-secret.key`.
 * On a database that has never held data, a missing secret file is created (that is the hub's
 * initialisation, and it is logged by the caller). On a database written under another secret, start-up
 * stops: idempotency keys and subject ids would silently stop matching.
 */
export async function loadHubSecret(db: Db, options: { dataDir: string; envSecret: string | undefined }): Promise<{ secret: Buffer; created: boolean }> {
  let secret: Buffer | undefined;
  let created = false;
  if (options.envSecret !== undefined && options.envSecret !== '') {
    secret = Buffer.from(options.envSecret, 'base64');
    if (secret.length < 32) throw new HubSecretError('HUB_SECRET must be base64 of at least 32 bytes');
  } else {
    const file = path.join(options.dataDir, 'keys', SECRET_FILE);
    try {
      secret = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (secret === undefined) {
      const fingerprint = await readFingerprint(db);
      if (fingerprint !== undefined) {
        throw new HubSecretError(`the database was initialised with a keyed-hash secret that is not in ${file} and HUB_SECRET is not set`);
      }
      secret = randomBytes(32);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.writeFile(file, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    }
  }
  await checkFingerprint(db, secret);
  return { secret, created };
}

function fingerprintOf(secret: Buffer): string {
  return keyedHash(secret, 'tradein-hub fingerprint').toString('base64url').slice(0, 22);
}

async function readFingerprint(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('hub_settings').select('value').where('key', '=', FINGERPRINT_SETTING).executeTakeFirst();
  return row?.value;
}

async function checkFingerprint(db: Db, secret: Buffer): Promise<void> {
  const expected = fingerprintOf(secret);
  await sql`insert into hub_settings (key, value) values (${FINGERPRINT_SETTING}, ${expected}) on conflict (key) do nothing`.execute(db);
  const stored = await readFingerprint(db);
  if (stored !== expected) {
    throw new HubSecretError('the keyed-hash secret does not match the one this database was initialised with');
  }
}
