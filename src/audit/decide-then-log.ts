import type { DbOrTx } from '../db/database.ts';
import type { PolicyDecision } from '../policy/evaluate-policy.ts';
import { appendAccessLog } from './access-log.repository.ts';

/** A refused request: the decision (rules and reasons) as the policy or the service took it. */
export interface AccessDenied {
  allowed: false;
  decision: PolicyDecision;
}

/** What an allowed piece of work returns: its answer and the figures its access-log entry records. */
export interface AllowedWork<T> {
  allowed: true;
  answer: T;
  log: { id: string; rowsReleased: number; rowsSuppressed: number; subjectsCounted: number; priceFen: number };
}

export type Decided<T> = { allowed: true; answer: T } | AccessDenied;

export function accessDenied(decision: PolicyDecision): AccessDenied {
  return { allowed: false, decision };
}

/**
 * Decide, then log: runs the work only when the decision allows, and appends exactly one access-log entry
 * either way, in the caller's transaction, so the entry commits or rolls back with what it describes. The
 * work may still refuse (a privacy budget spent): that refusal is logged as the deny it is.
 */
export async function decideThenLog<T>(
  tx: DbOrTx,
  now: Date,
  entry: { partyId: string | null; purpose: string; request: Record<string, unknown>; decision: PolicyDecision },
  work: () => Promise<AllowedWork<T> | AccessDenied>,
): Promise<Decided<T>> {
  const outcome = entry.decision.effect === 'deny' ? accessDenied(entry.decision) : await work();
  const decision = outcome.allowed ? entry.decision : outcome.decision;
  const common = {
    partyId: entry.partyId,
    purpose: entry.purpose,
    policyId: decision.policy?.id ?? null,
    policyVersion: decision.policy?.version ?? null,
    matchedRules: decision.matchedRules,
    request: entry.request,
  };
  if (!outcome.allowed) {
    await appendAccessLog(tx, { ...common, decision: 'deny', rowsReleased: 0, rowsSuppressed: 0, subjectsCounted: 0, priceFen: 0 }, now);
    return outcome;
  }
  await appendAccessLog(tx, { ...common, decision: 'allow', ...outcome.log }, now);
  return { allowed: true, answer: outcome.answer };
}
