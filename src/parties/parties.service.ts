import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { Db } from '../db/database.ts';
import * as parties from './parties.repository.ts';
import { KEY_ALGORITHMS, PARTY_ROLES, type KeyAlgorithm, type PartyRole } from './parties.table.ts';
import { HubError } from '../errors/hub-errors.ts';

export type PartyErrorCode = 'party.invalid_id' | 'party.invalid_role' | 'party.not_found' | 'key.invalid' | 'key.private_material' | 'key.exists';

export class PartyError extends HubError {
  override readonly name = 'PartyError';
  constructor(
    override readonly code: PartyErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

const PARTY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Registers a party; returns false when one with that id already exists (nothing is changed then). */
export async function registerParty(db: Db, input: { id: string; role: string; displayName?: string }, now: Date): Promise<boolean> {
  if (!PARTY_ID.test(input.id)) throw new PartyError('party.invalid_id', 'party id must be 2–63 lowercase letters, digits or hyphens');
  if (!(PARTY_ROLES as readonly string[]).includes(input.role)) {
    throw new PartyError('party.invalid_role', `role must be one of ${PARTY_ROLES.join(', ')}`);
  }
  return parties.insertParty(db, { id: input.id, role: input.role as PartyRole, displayName: input.displayName ?? input.id, now });
}

/** Public JWK members per key type; anything else (notably `d`) is refused rather than silently dropped. */
const PUBLIC_MEMBERS: Record<KeyAlgorithm, readonly string[]> = {
  ES256: ['kty', 'crv', 'x', 'y'],
  EdDSA: ['kty', 'crv', 'x'],
};

/**
 * Registers a public key for a party. Accepts ES256 (P-256) and EdDSA (Ed25519) JWKs only; refuses private
 * key material. The kid defaults to the RFC 7638 thumbprint. Returns the kid.
 */
export async function registerPartyKey(db: Db, partyId: string, jwk: JWK, now: Date): Promise<string> {
  if (!(await parties.findParty(db, partyId))) throw new PartyError('party.not_found', 'party must be registered first');
  if ('d' in jwk) throw new PartyError('key.private_material', 'key must be a public JWK (it contains private material)');
  const alg = algorithmOf(jwk);
  const publicJwk: Record<string, string> = {};
  for (const member of PUBLIC_MEMBERS[alg]) {
    const value = (jwk as Record<string, unknown>)[member];
    if (typeof value !== 'string') throw new PartyError('key.invalid', `key must have a string "${member}" member`);
    publicJwk[member] = value;
  }
  try {
    await importJWK({ ...publicJwk, alg }, alg);
  } catch {
    throw new PartyError('key.invalid', `key must be a valid ${alg} public key`);
  }
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : await calculateJwkThumbprint(publicJwk as JWK);
  const stored = { ...publicJwk, alg, kid, use: 'sig' };
  if (!(await parties.insertPartyKey(db, { partyId, kid, alg, publicJwk: stored, now }))) {
    throw new PartyError('key.exists', 'key id must be new for this party');
  }
  return kid;
}

function algorithmOf(jwk: JWK): KeyAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new PartyError('key.invalid', `key must be one of ${KEY_ALGORITHMS.join(', ')} (P-256 or Ed25519)`);
}
