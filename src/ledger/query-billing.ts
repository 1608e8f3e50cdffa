import { v7 as uuidv7 } from 'uuid';
import type { DbOrTx } from '../db/database.ts';
import { DIMENSION_SQL, neededJoins } from '../insights/insight-dimensions.ts';
import type { RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { AllowedPolicy } from '../policy/policy.types.ts';
import { postJournal } from './journal.repository.ts';
import { periodOf } from './periods.ts';
import { consentPosition, countPointerMembers, insertPointer, type NewPointer } from './pointers.repository.ts';
import { ACCOUNTS } from './revenue-split.ts';

export interface CountedQuery {
  queryId: string;
  partyId: string;
  policy: AllowedPolicy;
  now: Date;
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
 * Bills one released query, inside its transaction, in O(1) rows whatever the number of subjects counted:
 * one pointer (what was asked, the released groups' keys, the consent ledger's position and the instant,
 * the price) and one journal debiting the payer the price into the pending account. Who was counted, and
 * the split among users, platforms' pools and suppliers, is settled when the payout close expands the
 * period's pointers (src/ledger/period-allocation.ts).
 *
 * The price: under differential privacy, the released (noisy) total times the price per subject (a bill
 * at the exact count would tell the payer what the noise hides); on the exact path (noise off, development
 * and tests) the exact count, for which this runs the expansion of this one pointer once — there is no
 * O(1) way to know an exact count of subjects here. Returns the exact count (null under noise) and the price.
 */
export async function billQuery(tx: DbOrTx, input: CountedQuery): Promise<{ subjectsCounted: number | null; priceFen: number }> {
  const { queryId, partyId, policy, now, request } = input;
  if (input.releasedKeys.length === 0 && !input.remainderReleased) return { subjectsCounted: input.billedSubjects === undefined ? 0 : null, priceFen: 0 };
  const filterDims = Object.keys(request.filters).filter((name) => Array.isArray(request.filters[name]) && name in DIMENSION_SQL);
  const need = neededJoins([...request.groupBy, ...filterDims], request.measures);
  const journalId = uuidv7();
  const pointer: NewPointer = {
    queryId,
    partyId,
    purpose: policy.id,
    policyVersion: policy.version,
    period: periodOf(now),
    at: now,
    consentPosition: await consentPosition(tx),
    groupBy: request.groupBy,
    filters: pointerFilters(request.filters),
    measures: request.measures,
    releasedKeys: input.releasedKeys.map((key) => JSON.stringify(key)),
    remainderReleased: input.remainderReleased,
    recordsPerSubject: input.recordsPerSubject ?? null,
    usesInspection: need.inspection,
    usesDisposition: need.disposition,
    // The brand's catalogue entry is read for the model's name and its launch facts.
    usesCatalogue: need.catalogue || request.groupBy.includes('model') || filterDims.includes('model'),
    pricePerSubjectFen: policy.pricePerSubjectFen,
    billedSubjects: input.billedSubjects ?? 0,
    split: policy.revenueSplitBp,
    journalId,
  };
  let subjects = input.billedSubjects;
  if (subjects === undefined) subjects = await countPointerMembers(tx, pointer);
  if (subjects === 0) return { subjectsCounted: input.billedSubjects === undefined ? 0 : null, priceFen: 0 };
  const priceFen = subjects * policy.pricePerSubjectFen;
  if (!Number.isSafeInteger(priceFen)) throw new RangeError('the price of a query must be a safe integer of fen');
  await insertPointer(tx, { ...pointer, billedSubjects: subjects });
  // postJournal holds the period open (or refuses a closed one, rolling the pointer back with it).
  await postJournal(
    tx,
    {
      id: journalId,
      kind: 'query',
      period: pointer.period,
      queryId,
      memo: `${policy.id} query by ${partyId}`,
      lines: [
        { account: ACCOUNTS.party(partyId), amountFen: -priceFen },
        { account: ACCOUNTS.pending, amountFen: priceFen },
      ],
    },
    now,
  );
  return { subjectsCounted: input.billedSubjects === undefined ? subjects : null, priceFen };
}

/** Only what selects records: month bounds and value lists of known dimensions. */
function pointerFilters(filters: RequestFilters): Record<string, string | readonly string[]> {
  const kept: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(filters)) {
    if ((name === 'tradeInMonthFrom' || name === 'tradeInMonthTo') && typeof value === 'string') kept[name] = value;
    else if (Array.isArray(value) && name in DIMENSION_SQL) kept[name] = value;
  }
  return kept;
}
