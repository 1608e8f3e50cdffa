import type { JWK } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import { compareWithCheckpoint, consentHeadsDigest, readCheckpoint, signCheckpoint, type CheckpointClaims, type CheckpointFinding } from './checkpoint.ts';
import { accessLogHashAt, accessLogHead, countConsentEventsBefore, insertCheckpoint, streamConsentHeadsBefore } from './checkpoint.repository.ts';

/**
 * How far behind the signing time a consent-ledger checkpoint stops: a consent written just before (its
 * event stamped, its transaction not yet committed) is left for the next checkpoint rather than half seen.
 */
export const CONSENT_CHECKPOINT_GRACE_SECONDS = 60;

export interface CheckpointContext {
  db: Db;
  signingKey: HubSigningKey;
  hubId: string;
  now: () => Date;
  /** Defaults to CONSENT_CHECKPOINT_GRACE_SECONDS; tests on a frozen clock set 0. */
  consentGraceSeconds?: number;
}

export interface SignedCheckpoint {
  claims: CheckpointClaims;
  jws: string;
}

async function consentSummary(db: DbOrTx, until: Date): Promise<{ length: number; subjects: number; headHash: string }> {
  const digest = consentHeadsDigest();
  for await (const head of streamConsentHeadsBefore(db, until)) digest.add(head);
  return { length: await countConsentEventsBefore(db, until), ...digest.finish() };
}

/**
 * Signs and keeps one checkpoint per chain — the access log (length, head hash) and the consent ledger
 * (events, subjects, digest over the subjects' heads) — and returns them. Each is read in one snapshot.
 */
export async function signCheckpoints(context: CheckpointContext): Promise<SignedCheckpoint[]> {
  const signedAt = context.now();
  const coveredUntil = new Date(signedAt.getTime() - (context.consentGraceSeconds ?? CONSENT_CHECKPOINT_GRACE_SECONDS) * 1000);
  // Both chains are read by the audit role, whoever asked (a regulator's request, the timer, the CLI).
  const { access, consent } = await context.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      await actAs(tx, 'hub_audit');
      return { access: await accessLogHead(tx), consent: await consentSummary(tx, coveredUntil) };
    });
  const claims: CheckpointClaims[] = [
    {
      chain: 'access_log',
      length: access.length,
      headHash: access.hash === null ? '' : Buffer.from(access.hash).toString('hex'),
      signedAt: signedAt.toISOString(),
    },
    {
      chain: 'consent_ledger',
      length: consent.length,
      headHash: consent.headHash,
      subjects: consent.subjects,
      coveredUntil: coveredUntil.toISOString(),
      signedAt: signedAt.toISOString(),
    },
  ];
  const signed: SignedCheckpoint[] = [];
  for (const claim of claims) {
    const jws = await signCheckpoint(context.signingKey, context.hubId, claim);
    await context.db.transaction().execute(async (tx) => {
      await actAs(tx, 'hub_audit');
      await insertCheckpoint(tx, { id: uuidv7(), chain: claim.chain, length: String(claim.length), head_hash: claim.headHash, signed_at: signedAt, jws });
    });
    signed.push({ claims: claim, jws });
  }
  return signed;
}

/**
 * Checks a kept checkpoint: its signature (the hub's public key), then that the chain as stored still
 * extends it — the access log still has the entry at its length with the same hash; the consent ledger
 * still has exactly the events it covered, with the same heads.
 */
export async function verifyCheckpoint(db: Db, jws: string, publicJwk: JWK): Promise<{ claims: CheckpointClaims; finding: CheckpointFinding }> {
  const claims = await readCheckpoint(jws, publicJwk);
  if (claims.chain === 'access_log') {
    const head = await accessLogHead(db);
    const hashAt = claims.length === 0 ? new Uint8Array() : await accessLogHashAt(db, claims.length);
    const found = { length: head.length, headHash: hashAt === undefined ? null : Buffer.from(hashAt).toString('hex') };
    return { claims, finding: compareWithCheckpoint(claims, found) };
  }
  const summary = await consentSummary(db, new Date(claims.coveredUntil ?? claims.signedAt));
  return { claims, finding: compareWithCheckpoint(claims, summary) };
}
