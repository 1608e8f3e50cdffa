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
  /** How many subjects the released answer counts, as far as the answer path knows it. */
  subjects: BilledSubjects;
}

/**
 * The subjects a query is billed for:
 * - `noisy`: under differential privacy, the released (noisy) total — a bill at the exact count would tell
 *   the payer what the noise hides;
 * - `exact`: the exact count, read off the answer's own counts (the analytic store's, which hold one record
 *   per subject: see exactBilling in src/insights/insights.service.ts), with the consent ledger's position
 *   read just before them. The transaction reads committed data statement by statement, so if a consent
 *   committed since (the position moved), the counts may not be the pointer's and it is expanded instead;
 * - `expand`: exact but not known to the answer path: this pointer is expanded once, here, to count them
 *   (a per-record scan, linear in the data; only where the store's counts are not the pointer's).
 */
export type BilledSubjects = { kind: 'noisy'; subjects: number } | { kind: 'exact'; subjects: number; consentPositionBefore: string } | { kind: 'expand' };

/**
 * Bills one released query, inside its transaction, in O(1) rows whatever the number of subjects counted:
 * one pointer (what was asked, the released groups' keys, the consent ledger's position and the instant,
 * the price) and one journal debiting the payer the price into the pending account. Who was counted, and
 * the split among users, platforms' pools and suppliers, is settled when the payout close expands the
 * period's pointers (src/ledger/period-allocation.ts).
 *
 * The price is the billed subjects (see BilledSubjects) times the price per subject. Only `expand` reads
 * the base tables here. Returns the exact count (null under noise) and the price.
 */
export async function billQuery(tx: DbOrTx, input: CountedQuery): Promise<{ subjectsCounted: number | null; priceFen: number }> {
  const { queryId, partyId, policy, now, request } = input;
  const exactOrNull = (n: number) => (input.subjects.kind === 'noisy' ? null : n);
  if (input.releasedKeys.length === 0 && !input.remainderReleased) return { subjectsCounted: exactOrNull(0), priceFen: 0 };
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
    billedSubjects: input.subjects.kind === 'expand' ? 0 : input.subjects.subjects,
    split: policy.revenueSplitBp,
    journalId,
  };
  const subjects = knownSubjects(input.subjects, pointer.consentPosition) ?? (await countPointerMembers(tx, pointer));
  if (subjects === 0) return { subjectsCounted: exactOrNull(0), priceFen: 0 };
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
  return { subjectsCounted: exactOrNull(subjects), priceFen };
}

/** The billed subjects when the answer path knows them for the pointer's consent position; else undefined. */
function knownSubjects(given: BilledSubjects, position: string): number | undefined {
  if (given.kind === 'noisy') return given.subjects;
  if (given.kind === 'exact' && given.consentPositionBefore === position) return given.subjects;
  return undefined;
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
