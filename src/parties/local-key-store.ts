import fs from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { KeyAlgorithm } from './parties.table.ts';

/**
 * Private keys kept in the data folder for development and the demo, so `tokens mint` can sign as a
 * party. Real parties keep their private keys on their own machines and register only the public half.
 */
export interface StoredPartyKey {
  partyId: string;
  kid: string;
  alg: KeyAlgorithm;
  privateJwk: JWK;
  publicJwk: JWK;
}

function keyFile(dataDir: string, partyId: string): string {
  return path.join(dataDir, 'keys', 'parties', `${partyId}.private.jwk.json`);
}

/** Generates a key pair for a party and writes the private half (mode 0600) to the data folder. */
export async function createLocalPartyKey(dataDir: string, partyId: string, alg: KeyAlgorithm = 'ES256'): Promise<StoredPartyKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg };
  const stored: StoredPartyKey = { partyId, kid, alg, privateJwk, publicJwk: { ...publicJwk, kid, alg } };
  const file = keyFile(dataDir, partyId);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return stored;
}

/** Reads a party's locally stored key; throws naming the file when there is none. */
export async function readLocalPartyKey(dataDir: string, partyId: string): Promise<StoredPartyKey> {
  const file = keyFile(dataDir, partyId);
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as StoredPartyKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no local private key for party ${partyId} (expected ${file})`);
    throw error;
  }
}

export interface MintOptions {
  hubId: string;
  /** Lifetime in seconds; at most 3600, which the hub enforces. */
  ttlSeconds?: number;
  /** Mints a user token for this subjectRef instead of a party token. */
  subjectRef?: string;
  now?: Date;
}

/** Signs a token as the party: `iss` = party id, `aud` = hub id, short `exp`; with subjectRef, a user token. */
export async function mintToken(key: StoredPartyKey, options: MintOptions): Promise<string> {
  const signingKey = await importJWK(key.privateJwk, key.alg);
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT(options.subjectRef === undefined ? {} : { scope: 'consent' })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(key.partyId)
    .setAudience(options.hubId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.ttlSeconds ?? 3600));
  if (options.subjectRef !== undefined) jwt.setSubject(options.subjectRef);
  return jwt.sign(signingKey);
}
