import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { AllowedPolicy } from '../policy/policy.types.ts';
import { billQuery } from './query-billing.ts';
import { buildWorkingSet, markReleasedKeys } from './working-set.repository.ts';

/** One released consent-based answer, as billing needs it: who asked what, and which groups were released. */
export interface CountedQuery {
  queryId: string; partyId: string; policy: AllowedPolicy; now: Date;
  /** What was asked: dimensions and filters select the groups. */
  request: { groupBy: PolicyDimension[]; filters: RequestFilters; measures: PolicyMeasure[] };
  /** The released rows' keys, in groupBy order (null where the dimension is null). */
  releasedKeys: ReadonlyArray<ReadonlyArray<string | null>>;
  /** Exact (noise-off) path only: the merged remainder row was released, so every group matching the filters counts. */
  remainderReleased: boolean;
  /** The records-per-subject bound the answer used, if any. */
  recordsPerSubject?: number;
  /** The released (noisy) subject total the price is computed from; undefined = the exact count. */
  billedSubjects?: number;
}

/**
 * Bills one released answer inside its transaction: contributions and the query's journal. The seam where
 * billing changes: for now it rebuilds the answer's subjects from the base tables (the analytic store's
 * contribution rule: each consenting subject's latest record) for billing alone, and bills them with
 * billQuery; the answer itself never reads these rows. Returns the exact subjects counted (null when
 * nothing was released) and the price charged.
 */
export async function billAnswer(tx: DbOrTx, input: CountedQuery): Promise<{ subjectsCounted: number | null; priceFen: number }> {
  if (input.releasedKeys.length === 0 && !input.remainderReleased) return { subjectsCounted: 0, priceFen: 0 };
  await buildWorkingSet(tx, input.policy, input.request, input.now);
  await markReleasedKeys(tx, input.request.groupBy, input.releasedKeys);
  const subjects = await billQuery(tx, {
    queryId: input.queryId, partyId: input.partyId, policy: input.policy, now: input.now,
    joinOn: sql.raw('b.gkey = ig.gkey'), remainderReleased: input.remainderReleased, billedSubjects: input.billedSubjects,
  });
  const priceFen = subjects === 0 ? 0 : (input.billedSubjects ?? subjects) * input.policy.pricePerSubjectFen;
  return { subjectsCounted: subjects, priceFen };
}
