import fs from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The hub's own signing key: it signs consent receipts, which anyone verifies at /.well-known/jwks.json. */
export interface HubSigningKey {
  readonly alg: 'ES256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

const KEY_FILE = 'hub-signing.private.jwk.json';

export class HubSigningKeyError extends Error {
  override readonly name = 'HubSigningKeyError';
}

/**
 * Loads the hub's ES256 signing key: `HUB_SIGNING_KEY` (a private JWK as JSON) when set — every replica of
 * a multi-process hub must share it — else `<dataDir>/keys/hub-signing.private.jwk.json`, created on first
 * start. A key that does not parse stops start-up; it never falls back to a new key silently.
 */
export async function loadHubSigningKey(options: { dataDir: string; envKey: string | undefined }): Promise<{ key: HubSigningKey; created: boolean }> {
  let privateJwk: JWK | undefined;
  let created = false;
  if (options.envKey !== undefined && options.envKey !== '') {
    try {
      privateJwk = JSON.parse(options.envKey) as JWK;
    } catch {
      throw new HubSigningKeyError('HUB_SIGNING_KEY must be a private JWK in JSON');
    }
  } else {
    const file = path.join(options.dataDir, 'keys', KEY_FILE);
    try {
      privateJwk = JSON.parse(await fs.readFile(file, 'utf8')) as JWK;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new HubSigningKeyError(`${file} must hold a private JWK in JSON`);
    }
    if (privateJwk === undefined) {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateJwk = await exportJWK(pair.privateKey);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.writeFile(file, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
      created = true;
    }
  }
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || typeof privateJwk.d !== 'string') {
    throw new HubSigningKeyError('the hub signing key must be a private P-256 (ES256) JWK');
  }
  const { d: _private, ...publicMembers } = privateJwk;
  const publicJwk: JWK = { kty: publicMembers.kty, crv: publicMembers.crv, x: publicMembers.x, y: publicMembers.y };
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateKey = (await importJWK({ ...privateJwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  return { key: { alg: 'ES256', kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' } }, created };
}
