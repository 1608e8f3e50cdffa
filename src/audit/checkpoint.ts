import { createHash } from 'node:crypto';
import { compactVerify, importJWK, SignJWT, type JWK } from 'jose';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';

/**
 * A signed checkpoint of one hash chain: how long it was and what its head hash was when the hub signed.
 * Kept outside the database (by a regulator, the operator, a file), it proves later that the chain still
 * extends it — so deleting the newest entries, which leaves a shorter chain that verifies on its own, or
 * rewriting the whole chain with fresh hashes, is caught.
 */
export type CheckpointChain = 'access_log' | 'consent_ledger';

export interface CheckpointClaims {
  chain: CheckpointChain;
  /** Entries in the chain (the access log: its last seq; the consent ledger: events covered). */
  length: number;
  /**
   * Hex SHA-256. The access log: the hash of entry `length`. The consent ledger (one chain per subject):
   * SHA-256 over every subject's head at the checkpoint, one line `subject_id seq hash` per subject in
   * subject order (consentHeadsDigest).
   */
  headHash: string;
  /** The consent ledger only: subject chains covered. */
  subjects?: number;
  /**
   * The consent ledger only: the checkpoint covers events created before this instant (ISO 8601), set a
   * little before signing so a consent still committing is not half in, half out.
   */
  coveredUntil?: string;
  signedAt: string;
}

export const CHECKPOINT_TYPE = 'audit-checkpoint+jwt';

/** Signs a checkpoint as a compact JWS (ES256, `kid`), verifiable at /.well-known/jwks.json. */
export async function signCheckpoint(key: HubSigningKey, hubId: string, claims: CheckpointClaims): Promise<string> {
  const { signedAt, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: CHECKPOINT_TYPE })
    .setIssuer(hubId)
    .setIssuedAt(Math.floor(new Date(signedAt).getTime() / 1000))
    .sign(key.privateKey);
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** The claims of a checkpoint JWS whose signature verifies with `publicJwk`, or a CheckpointError. */
export async function readCheckpoint(jws: string, publicJwk: JWK): Promise<CheckpointClaims> {
  let payload: Uint8Array;
  try {
    const key = await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256');
    ({ payload } = await compactVerify(jws, key, { algorithms: ['ES256'] }));
  } catch {
    throw new CheckpointError('checkpoint signature must verify with the hub signing key');
  }
  const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  if (
    (claims.chain !== 'access_log' && claims.chain !== 'consent_ledger') ||
    !Number.isSafeInteger(claims.length) ||
    typeof claims.headHash !== 'string' ||
    typeof claims.iat !== 'number'
  ) {
    throw new CheckpointError('checkpoint must name a chain, its length, its head hash and when it was signed');
  }
  return {
    chain: claims.chain,
    length: claims.length as number,
    headHash: claims.headHash,
    ...(typeof claims.subjects === 'number' ? { subjects: claims.subjects } : {}),
    ...(typeof claims.coveredUntil === 'string' ? { coveredUntil: claims.coveredUntil } : {}),
    signedAt: new Date(claims.iat * 1000).toISOString(),
  };
}

/** The running digest over subject heads, fed in subject order. */
export function consentHeadsDigest() {
  const hash = createHash('sha256');
  let subjects = 0;
  return {
    add(head: { subjectId: string; seq: number; hash: Uint8Array }): void {
      hash.update(`${head.subjectId} ${head.seq} ${Buffer.from(head.hash).toString('hex')}\n`);
      subjects++;
    },
    finish: () => ({ subjects, headHash: hash.digest('hex') }),
  };
}

export type CheckpointFinding = { ok: true } | { ok: false; reason: 'truncated' | 'diverged' | 'subjects_changed'; expected: string; found: string };

/**
 * Does the chain as it is now still extend the checkpoint? `current` is what the database shows at the
 * checkpoint's position: the access log's entry at `length` (absent when the tail was cut), the consent
 * ledger's summary over events created before `coveredUntil`.
 */
export function compareWithCheckpoint(
  checkpoint: CheckpointClaims,
  current: { length: number; headHash: string | null; subjects?: number },
): CheckpointFinding {
  if (current.length < checkpoint.length || current.headHash === null) {
    return { ok: false, reason: 'truncated', expected: `${checkpoint.length} entries`, found: `${current.length} entries` };
  }
  if (checkpoint.chain === 'consent_ledger' && current.length !== checkpoint.length) {
    // Events created before coveredUntil can only have been added or removed behind the hub's back.
    return { ok: false, reason: 'diverged', expected: `${checkpoint.length} events before ${checkpoint.coveredUntil}`, found: `${current.length} events` };
  }
  if (checkpoint.subjects !== undefined && current.subjects !== checkpoint.subjects) {
    return { ok: false, reason: 'subjects_changed', expected: `${checkpoint.subjects} subjects`, found: `${current.subjects} subjects` };
  }
  if (current.headHash !== checkpoint.headHash) {
    return { ok: false, reason: 'diverged', expected: `head ${checkpoint.headHash}`, found: `head ${current.headHash}` };
  }
  return { ok: true };
}
