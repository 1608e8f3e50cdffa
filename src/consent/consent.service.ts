import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database.ts';
import { HubError } from '../errors/hub-errors.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import type { AllowedPolicy, PolicySet } from '../policy/policy.types.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import { consentEventHash } from './consent-chain.ts';
import { signConsentReceipt } from './consent-receipt.ts';
import {
  addMonths, CONSENT_TERM_MONTHS, effectiveConsentState, nextConsentStatus, type ConsentAction, type ConsentState,
} from './consent-states.ts';
import * as consents from './consent.repository.ts';

export type ConsentErrorCode = 'consent.purpose_not_consentable' | 'consent.not_granted' | 'consent.withdraw_instead';

/** A consent change that does not apply; the schema shows it as `ConsentNotChanged` (consent.graphql.ts). */
export class ConsentError extends HubError {
  override readonly name = 'ConsentError';
  constructor(override readonly code: ConsentErrorCode, message: string) {
    super(code, message);
  }
}

export interface ConsentContext {
  db: Db;
  secret: Buffer;
  policies: PolicySet;
  signingKey: HubSigningKey;
  hubId: string;
  now: () => Date;
}

export interface ConsentChange {
  purpose: string;
  state: ConsentState;
  receiptId: string;
  receipt: string;
  expiresAt: Date | null;
  changedAt: Date;
}

/** The purposes a user may be asked about: allowed policies whose legal basis is consent. */
export function consentablePolicies(policies: PolicySet): AllowedPolicy[] {
  return [...policies.values()].filter((p): p is AllowedPolicy => p.status === 'allowed' && p.legalBasis === 'consent');
}

/**
 * Records a user's grant, refusal or withdrawal for one purpose: appends a hash-chained event to the
 * subject's ledger, updates the projection in the same transaction and returns a receipt signed by the hub
 * naming the terms in force (the policy's price per subject and the users' share). A withdrawal commits
 * before this returns, so every query that starts afterwards leaves the subject out. Throws ConsentError for
 * a purpose that is not consent-based or a transition that makes no sense (withdrawing what was never granted).
 */
export async function changeConsent(
  context: ConsentContext,
  user: { platformId: string; subjectRef: string },
  purpose: string,
  action: ConsentAction,
): Promise<ConsentChange> {
  const policy = context.policies.get(purpose);
  if (policy === undefined || policy.status !== 'allowed' || policy.legalBasis !== 'consent') {
    throw new ConsentError('consent.purpose_not_consentable', 'purpose must be one users are asked to consent to');
  }
  const subjectId = subjectIdFor(context.secret, user.platformId, user.subjectRef);
  return context.db.transaction().execute(async (tx) => {
    const now = context.now();
    // The vault keeps the pseudonym sealed (src/hub-keys/subject-ref-cipher.ts), never in clear.
    const subjectRefSealed = subjectRefCipher(context.secret).seal(subjectId, user.subjectRef);
    await consents.lockSubject(tx, { id: subjectId, platformId: user.platformId, subjectRefSealed, now });
    const current = await consents.findConsent(tx, subjectId, purpose);
    const state = effectiveConsentState(current && { status: current.status, expiresAt: current.expires_at }, now);
    const transition = nextConsentStatus(state, action);
    if (!transition.ok) throw new ConsentError(transition.code, transition.message);

    const last = await consents.findLastConsentEvent(tx, subjectId);
    const expiresAt = transition.status === 'granted' ? addMonths(now, CONSENT_TERM_MONTHS) : null;
    const id = uuidv7();
    const receiptId = uuidv7();
    const terms = { pricePerSubjectFen: policy.pricePerSubjectFen, usersShareBp: policy.revenueSplitBp.users };
    const receipt = await signConsentReceipt(context.signingKey, context.hubId, {
      receiptId, platformId: user.platformId, subjectRef: user.subjectRef, purpose, action, status: transition.status,
      policyVersion: policy.version, pricePerSubjectFen: terms.pricePerSubjectFen, usersShareBp: terms.usersShareBp,
      issuedAt: now, consentExpiresAt: expiresAt,
    });
    const seq = (last?.seq ?? 0) + 1;
    const hash = consentEventHash(last?.hash ?? null, {
      subjectId, seq, id, purpose, action, status: transition.status, policyVersion: policy.version, terms,
      expiresAt: expiresAt?.toISOString() ?? null, receiptId, receipt, createdAt: now.toISOString(),
    });
    // Last before the writes, so the counter's lock is held for as short a time as possible.
    const position = await consents.nextConsentPosition(tx);
    await consents.insertConsentEvent(tx, {
      subject_id: subjectId, seq, position, id, purpose, action, status: transition.status, policy_version: policy.version, terms,
      expires_at: expiresAt, receipt_id: receiptId, receipt, prev_hash: last?.hash ?? null, hash, created_at: now,
    });
    await consents.upsertConsent(tx, {
      subject_id: subjectId, purpose, status: transition.status, event_id: id,
      granted_at: transition.status === 'granted' ? now : (current?.granted_at ?? null), expires_at: expiresAt, updated_at: now,
    });
    return { purpose, state: transition.status, receiptId, receipt, expiresAt, changedAt: now };
  });
}

export interface PurposeConsent {
  policy: AllowedPolicy;
  state: ConsentState;
  expiresAt: Date | null;
  updatedAt: Date | null;
}

/** The user's state for every consent-based purpose, `never_asked` included. */
export async function consentOverview(context: ConsentContext, user: { platformId: string; subjectRef: string }): Promise<PurposeConsent[]> {
  const subjectId = subjectIdFor(context.secret, user.platformId, user.subjectRef);
  const rows = new Map((await consents.listConsents(context.db, subjectId)).map((row) => [row.purpose, row]));
  const now = context.now();
  return consentablePolicies(context.policies).map((policy) => {
    const row = rows.get(policy.id);
    return {
      policy,
      state: effectiveConsentState(row && { status: row.status, expiresAt: row.expires_at }, now),
      expiresAt: row?.expires_at ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  });
}
