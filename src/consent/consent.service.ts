import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Db } from '../db/database.ts';
import { HubError } from '../errors/hub-errors.ts';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import type { AllowedPolicy, PolicySet } from '../policy/policy.types.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import { consentEventHash } from './consent-chain.ts';
import { signConsentReceipt } from './consent-receipt.ts';
import {
  addMonths,
  CONSENT_TERM_MONTHS,
  effectiveConsentState,
  nextConsentStatus,
  type ConsentAction,
  type ConsentState,
  type StoredConsentStatus,
} from './consent-states.ts';
import * as consents from './consent.repository.ts';
import type { ConsentEventsTable, ConsentsTable } from './consent.table.ts';

export type ConsentErrorCode = 'consent.purpose_not_consentable' | 'consent.not_granted' | 'consent.withdraw_instead';

/** A consent change that does not apply; the schema shows it as `ConsentNotChanged` (consent.graphql.ts). */
export class ConsentError extends HubError {
  override readonly name = 'ConsentError';
  constructor(
    override readonly code: ConsentErrorCode,
    message: string,
  ) {
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

/** One user's answer for one purpose, as changeConsents takes them. */
export interface ConsentRequest {
  user: { platformId: string; subjectRef: string };
  purpose: string;
  action: ConsentAction;
}

/** What became of one request: its change and receipt, or why it did not apply (nothing stored for it). */
export type ConsentOutcome = { ok: true; change: ConsentChange } | { ok: false; error: ConsentError };

/** Requests per transaction in changeConsents: a few hundred users' locks, one statement per table. */
export const CONSENT_BATCH = 500;

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
  const [outcome] = await changeConsents(context, [{ user, purpose, action }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.change;
}

/**
 * Many users' changes, exactly as if each were a changeConsent of its own, in the order given: the same
 * events (a later request sees the state an earlier one left, the same user's included), receipts, chains,
 * gap-free positions in request order, and projection. Each transaction takes up to `batchSize` requests
 * and writes each table with one statement, so the analytic store's triggers on `consents` run once per
 * batch instead of once per user. A request that does not apply gets its ConsentError in its outcome and
 * stores nothing; the others still commit. Requests are not authorised here: the caller acts for the users
 * (`context.db` must see every subject named, which a user's own session does not).
 */
export async function changeConsents(
  context: ConsentContext,
  requests: readonly ConsentRequest[],
  options: { batchSize?: number } = {},
): Promise<ConsentOutcome[]> {
  const batchSize = options.batchSize ?? CONSENT_BATCH;
  const outcomes: ConsentOutcome[] = [];
  for (let start = 0; start < requests.length; start += batchSize) {
    const batch = requests.slice(start, start + batchSize);
    outcomes.push(...(await context.db.transaction().execute((tx) => applyConsentChanges(tx, context, batch))));
  }
  return outcomes;
}

/** A request that applies, once its transition is decided: what it writes, before its receipt and hash. */
interface DecidedChange {
  index: number;
  subjectId: string;
  platformId: string;
  subjectRef: string;
  purpose: string;
  policy: AllowedPolicy;
  action: ConsentAction;
  status: StoredConsentStatus;
  expiresAt: Date | null;
  grantedAt: Date | null;
}

/** One transaction's worth of changeConsents: lock, read, decide in order, sign, chain, write. */
async function applyConsentChanges(tx: Transaction<Database>, context: ConsentContext, requests: readonly ConsentRequest[]): Promise<ConsentOutcome[]> {
  const now = context.now();
  const outcomes: (ConsentOutcome | undefined)[] = new Array(requests.length);
  const named: { index: number; subjectId: string; policy: AllowedPolicy }[] = [];
  requests.forEach((request, index) => {
    const policy = context.policies.get(request.purpose);
    if (policy === undefined || policy.status !== 'allowed' || policy.legalBasis !== 'consent') {
      outcomes[index] = { ok: false, error: new ConsentError('consent.purpose_not_consentable', 'purpose must be one users are asked to consent to') };
    } else {
      named.push({ index, subjectId: subjectIdFor(context.secret, request.user.platformId, request.user.subjectRef), policy });
    }
  });

  // The vault keeps the pseudonym sealed (src/hub-keys/subject-ref-cipher.ts), never in clear. Locking every
  // subject first chains each subject's changes one after the other, whoever else changes them meanwhile.
  const cipher = subjectRefCipher(context.secret);
  const subjects = new Map<string, { id: string; platformId: string; subjectRefSealed: Buffer; now: Date }>();
  for (const { index, subjectId } of named) {
    if (subjects.has(subjectId)) continue;
    const { platformId, subjectRef } = requests[index]!.user;
    subjects.set(subjectId, { id: subjectId, platformId, subjectRefSealed: cipher.seal(subjectId, subjectRef), now });
  }
  const subjectIds = [...subjects.keys()].sort();
  await consents.lockSubjects(
    tx,
    subjectIds.map((id) => subjects.get(id)!),
  );
  const projection = new Map((await consents.findConsentsOf(tx, subjectIds)).map((row) => [`${row.subject_id}/${row.purpose}`, row]));
  const heads = await consents.findLastConsentEvents(tx, subjectIds);

  // In request order, each against the state the previous ones left.
  const decided: DecidedChange[] = [];
  for (const { index, subjectId, policy } of named) {
    const request = requests[index]!;
    const key = `${subjectId}/${request.purpose}`;
    const current = projection.get(key);
    const state = effectiveConsentState(current && { status: current.status, expiresAt: current.expires_at }, now);
    const transition = nextConsentStatus(state, request.action);
    if (!transition.ok) {
      outcomes[index] = { ok: false, error: new ConsentError(transition.code, transition.message) };
      continue;
    }
    const expiresAt = transition.status === 'granted' ? addMonths(now, CONSENT_TERM_MONTHS) : null;
    const grantedAt = transition.status === 'granted' ? now : (current?.granted_at ?? null);
    decided.push({
      index,
      subjectId,
      ...request.user,
      purpose: request.purpose,
      policy,
      action: request.action,
      status: transition.status,
      expiresAt,
      grantedAt,
    });
    projection.set(key, {
      subject_id: subjectId,
      purpose: request.purpose,
      status: transition.status,
      event_id: '',
      granted_at: grantedAt,
      expires_at: expiresAt,
      updated_at: now,
    });
  }

  const receipts = await Promise.all(
    decided.map(async (d) => {
      const receiptId = uuidv7();
      const receipt = await signConsentReceipt(context.signingKey, context.hubId, {
        receiptId,
        platformId: d.platformId,
        subjectRef: d.subjectRef,
        purpose: d.purpose,
        action: d.action,
        status: d.status,
        policyVersion: d.policy.version,
        pricePerSubjectFen: d.policy.pricePerSubjectFen,
        usersShareBp: d.policy.revenueSplitBp.users,
        issuedAt: now,
        consentExpiresAt: d.expiresAt,
      });
      return { receiptId, receipt };
    }),
  );

  // Each event hashes the subject's previous one: the last stored, then this batch's in order.
  const events: Omit<ConsentEventsTable, 'position'>[] = [];
  const finalRows = new Map<string, ConsentsTable>();
  decided.forEach((d, i) => {
    const { receiptId, receipt } = receipts[i]!;
    const last = heads.get(d.subjectId);
    const id = uuidv7();
    const seq = (last?.seq ?? 0) + 1;
    const terms = { pricePerSubjectFen: d.policy.pricePerSubjectFen, usersShareBp: d.policy.revenueSplitBp.users };
    const hash = consentEventHash(last?.hash ?? null, {
      subjectId: d.subjectId,
      seq,
      id,
      purpose: d.purpose,
      action: d.action,
      status: d.status,
      policyVersion: d.policy.version,
      terms,
      expiresAt: d.expiresAt?.toISOString() ?? null,
      receiptId,
      receipt,
      createdAt: now.toISOString(),
    });
    heads.set(d.subjectId, { seq, hash });
    events.push({
      subject_id: d.subjectId,
      seq,
      id,
      purpose: d.purpose,
      action: d.action,
      status: d.status,
      policy_version: d.policy.version,
      terms,
      expires_at: d.expiresAt,
      receipt_id: receiptId,
      receipt,
      prev_hash: last?.hash ?? null,
      hash,
      created_at: now,
    });
    finalRows.set(`${d.subjectId}/${d.purpose}`, {
      subject_id: d.subjectId,
      purpose: d.purpose,
      status: d.status,
      event_id: id,
      granted_at: d.grantedAt,
      expires_at: d.expiresAt,
      updated_at: now,
    });
    outcomes[d.index] = { ok: true, change: { purpose: d.purpose, state: d.status, receiptId, receipt, expiresAt: d.expiresAt, changedAt: now } };
  });

  // Last before the writes, so the counter's lock is held for as short a time as possible.
  const positions = await consents.nextConsentPositions(tx, events.length);
  await consents.insertConsentEvents(
    tx,
    events.map((event, i) => ({ ...event, position: positions[i]! })),
  );
  await consents.upsertConsents(tx, [...finalRows.values()]);
  return outcomes as ConsentOutcome[];
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
