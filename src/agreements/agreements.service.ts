import { v7 as uuidv7 } from 'uuid';
import { addMonths } from '../consent/consent-states.ts';
import { HubError } from '../errors/hub-errors.ts';
import type { Db } from '../db/database.ts';
import type { PartyRole } from '../parties/parties.table.ts';
import type { PolicySet } from '../policy/policy.types.ts';
import * as agreements from './agreements.repository.ts';
import type { AgreementsTable } from './agreements.table.ts';

export type AgreementErrorCode =
  | 'agreement.purpose_not_available'
  | 'agreement.role_not_allowed'
  | 'agreement.already_open'
  | 'agreement.not_found'
  | 'agreement.not_pending'
  | 'agreement.not_active';

/** An agreement change that does not apply; the schema shows it as `AgreementNotChanged`. */
export class AgreementError extends HubError {
  override readonly name = 'AgreementError';
  constructor(
    override readonly code: AgreementErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

export interface AgreementContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
}

/** An agreement as callers see it: `expired` is an active one whose term has run out. */
export type AgreementView = AgreementsTable & { effectiveStatus: AgreementsTable['status'] | 'expired' };

/** The status at `now`: an active agreement past valid_to is expired (it no longer grants anything). */
export function viewAgreement(row: AgreementsTable, now: Date): AgreementView {
  const expired = row.status === 'active' && row.valid_to !== null && row.valid_to.getTime() <= now.getTime();
  return { ...row, effectiveStatus: expired ? 'expired' : row.status };
}

/**
 * A party asks for a data-use agreement for a purpose. Only consent-based, allowed purposes take
 * agreements (statutory ones need none; forbidden ones are never granted), and only for roles the policy
 * allows. A policy with automatic approval activates it at once for the policy's term; otherwise it waits
 * for the operator. One open (requested or active, unexpired) agreement per party and purpose.
 */
export async function requestAgreement(context: AgreementContext, party: { partyId: string; role: PartyRole }, purpose: string): Promise<AgreementView> {
  const policy = context.policies.get(purpose);
  if (policy === undefined || policy.status !== 'allowed' || policy.legalBasis !== 'consent') {
    throw new AgreementError('agreement.purpose_not_available', 'purpose must be an allowed, consent-based purpose');
  }
  if (!policy.rolesAllowed.includes(party.role)) {
    throw new AgreementError('agreement.role_not_allowed', `purpose ${purpose} must be used by a ${policy.rolesAllowed.join(' or ')}`);
  }
  return context.db.transaction().execute(async (tx) => {
    const now = context.now();
    const open = (await agreements.findOpenAgreements(tx, party.partyId, purpose)).map((row) => viewAgreement(row, now));
    if (open.some((row) => row.effectiveStatus === 'requested' || row.effectiveStatus === 'active')) {
      throw new AgreementError('agreement.already_open', 'party must not hold another open agreement for this purpose');
    }
    const automatic = policy.approval === 'automatic';
    const row: AgreementsTable = {
      party_id: party.partyId,
      id: uuidv7(),
      purpose,
      policy_version: policy.version,
      status: automatic ? 'active' : 'requested',
      requested_at: now,
      decided_at: automatic ? now : null,
      decided_by: automatic ? 'policy:automatic' : null,
      valid_from: automatic ? now : null,
      valid_to: automatic ? addMonths(now, policy.agreementTermMonths) : null,
      terminated_at: null,
      terminated_by: null,
    };
    await agreements.insertAgreement(tx, row);
    return viewAgreement(row, now);
  });
}

/** The operator approves (active for the policy's term from now) or rejects a requested agreement. */
export async function decideAgreement(context: AgreementContext, operatorId: string, id: string, approve: boolean): Promise<AgreementView> {
  const now = context.now();
  const row = await agreements.findAgreement(context.db, id);
  if (row === undefined) throw new AgreementError('agreement.not_found', 'agreement must exist');
  const policy = context.policies.get(row.purpose);
  const term = policy?.status === 'allowed' ? policy.agreementTermMonths : 12;
  const updated = await agreements.transitionAgreement(
    context.db,
    { partyId: row.party_id, id },
    'requested',
    approve
      ? { status: 'active', decided_at: now, decided_by: operatorId, valid_from: now, valid_to: addMonths(now, term) }
      : { status: 'rejected', decided_at: now, decided_by: operatorId },
  );
  if (updated === undefined) throw new AgreementError('agreement.not_pending', 'agreement must be awaiting a decision');
  return viewAgreement(updated, now);
}

/** Either side ends an active agreement; queries under it are refused from the next one on. */
export async function terminateAgreement(context: AgreementContext, caller: { partyId: string; role: PartyRole }, id: string): Promise<AgreementView> {
  const now = context.now();
  const row = await agreements.findAgreement(context.db, id);
  // Another party's agreement is answered exactly like a missing one.
  if (row === undefined || (caller.role !== 'operator' && row.party_id !== caller.partyId)) {
    throw new AgreementError('agreement.not_found', 'agreement must exist');
  }
  const updated = await agreements.transitionAgreement(context.db, { partyId: row.party_id, id }, 'active', {
    status: 'terminated',
    terminated_at: now,
    terminated_by: caller.partyId,
  });
  if (updated === undefined) throw new AgreementError('agreement.not_active', 'agreement must be active to be terminated');
  return viewAgreement(updated, now);
}

/**
 * The agreement that decides a query: the party's newest open one for the purpose, else its newest
 * closed one (terminated or rejected), so a denial names what happened to it rather than "missing".
 */
export async function currentAgreement(context: AgreementContext, partyId: string, purpose: string): Promise<AgreementView | undefined> {
  const now = context.now();
  const [newest] = await agreements.findOpenAgreements(context.db, partyId, purpose);
  const deciding = newest ?? (await agreements.findNewestAgreement(context.db, partyId, purpose));
  return deciding && viewAgreement(deciding, now);
}
