import { v7 as uuidv7 } from 'uuid';
import { currentAgreement } from '../agreements/agreements.service.ts';
import { accessDenied, decideThenLog, type AccessDenied, type AllowedWork, type Decided } from '../audit/decide-then-log.ts';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { evaluatePolicy, type PolicyDecision } from '../policy/evaluate-policy.ts';
import type { AllowedPolicy, DifferentialPrivacySettings, PolicySet } from '../policy/policy.types.ts';
import type { Principal } from '../auth/principal.ts';
import { CARBON_FACTOR_SET } from './carbon-factors.ts';
import { planStatistics } from './dp/dp-measures.ts';
import { deriveNoiseKey, noiseSeed, releaseDigest } from './dp/noise-seed.ts';
import { releaseExactAnswer, type ExactAnswer } from './dp/release-exact-answer.ts';
import { releaseNoisyAnswer } from './dp/release-noisy-answer.ts';
import { readDataVersion, recordRelease, releasedBefore } from './dp-release.repository.ts';
import { budgetMonth, lockBudget, spendBudget } from './dp-budget.repository.ts';
import { expireDueConsents, readStoreStatistics } from './insights.repository.ts';
import { canonicalInsightsRequest, requestOf, serviceChecks, type InsightsRequest } from './insights.rules.ts';
import { readStatutoryAnswer } from './working-set.repository.ts';
import { consentPosition } from '../ledger/pointers.repository.ts';
import { billQuery, type BilledSubjects } from '../ledger/query-billing.ts';

export type { InsightsRequest } from './insights.rules.ts';

export interface InsightRow {
  /** Dimension → value; all null on the remainder row. */
  keys: Record<string, string | null>;
  /** The row that merges every group below k; released only when it reaches k itself. */
  remainder: boolean;
  subjects: number;
  values: Record<string, number | Record<string, number> | null>;
}

export interface InsightsAnswer {
  queryId: string;
  purpose: string;
  policyVersion: number;
  minGroupSize: number;
  rows: InsightRow[];
  /** Groups below k (merged into the remainder row); how many subjects they held is not told. Null under noise. */
  suppressedGroups: number | null;
  /** True when the remainder itself stayed below k and was dropped. Null under noise (there is no remainder row). */
  remainderDropped: boolean | null;
  /** Exact under consent-based k-anonymity; null under differential privacy, where an exact total would leak. */
  subjectsCounted: number | null;
  priceFen: number | null;
  carbonFactorSet: string;
  /** Present when the policy asks for differential privacy: the noise added and what is left of the budget. */
  noise: AnswerNoise | null;
}

export interface AnswerNoise {
  mechanism: 'discrete-laplace';
  /** ε this answer cost: 0 when the party was already given this very answer this month. */
  epsilonSpent: number;
  epsilonRemaining: number;
  monthlyBudget: number;
  /** True when this request over this data was already answered (and charged) this month. */
  repeat: boolean;
  /** The noisy count a row needed to be released. */
  releaseThreshold: number;
  /** Noisy estimate of the records in rows not released; never an exact small count. */
  withheldRecords: number;
}

export type InsightsOutcome = Decided<InsightsAnswer>;

export interface InsightsContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
  /** The hub's keyed-hash secret: the noise key is derived from it. */
  secret: Buffer;
  /** 'off' only in development and tests (HUB_INSIGHTS_NOISE): answers under a DP policy are then exact, unbudgeted. */
  noise: 'on' | 'off';
}

interface Asked {
  tx: DbOrTx;
  policy: AllowedPolicy;
  request: InsightsRequest;
  now: Date;
  queryId: string;
  partyId: string;
}

/**
 * Answers a purpose-bound aggregate query. The policy decides first (forbidden purposes, roles, an active
 * agreement, allowed dimensions and measures), then the hub's own checks; every decision, allowed or
 * denied, is appended to the hash-chained access log in the same transaction as the work (decideThenLog).
 * Consent-based purposes are answered from the analytic store: cells the database keeps current inside the
 * transactions that change consents and records, so a withdrawal that committed is already out; consents
 * expired by now are swept out first, in this transaction. Each subject counts once, by their latest
 * record. Statutory purposes count every record, exactly, from the base tables.
 */
export async function runInsights(context: InsightsContext, principal: Principal | null, request: InsightsRequest): Promise<InsightsOutcome> {
  const now = context.now();
  const agreement = principal?.kind === 'party' ? await currentAgreement(context, principal.partyId, request.purpose) : undefined;
  let decision = evaluatePolicy(context.policies, {
    principal,
    purpose: request.purpose,
    now,
    request: requestOf(request),
    agreement:
      agreement && agreement.valid_from !== null && agreement.valid_to !== null
        ? { status: agreement.status, validFrom: agreement.valid_from, validTo: agreement.valid_to }
        : agreement
          ? { status: agreement.status, validFrom: agreement.requested_at, validTo: agreement.requested_at }
          : null,
  });
  const policy = context.policies.get(request.purpose);
  if (decision.effect === 'allow') decision = serviceChecks(decision, request, policy as AllowedPolicy);
  const partyId = principal?.kind === 'party' ? principal.partyId : null;

  return context.db.transaction().execute(async (tx) => {
    // Across parties, but only what an aggregate needs: the analytic tables, billing, the log's append.
    await actAs(tx, 'hub_analytics');
    return decideThenLog(tx, now, { partyId, purpose: request.purpose, request: requestOf(request), decision }, async () => {
      const asked: Asked = { tx, policy: policy as AllowedPolicy, request, now, queryId: uuidv7(), partyId: partyId! };
      if (asked.policy.legalBasis === 'statutory') return answerStatutory(asked);
      const dp = asked.policy.differentialPrivacy!;
      return context.noise === 'on' ? answerNoisy(asked, dp, decision, context.secret) : answerExact(asked, dp);
    });
  });
}

const answerBase = (asked: Asked) => ({
  queryId: asked.queryId,
  purpose: asked.policy.id,
  policyVersion: asked.policy.version,
  minGroupSize: asked.policy.minGroupSize,
  carbonFactorSet: CARBON_FACTOR_SET,
});

const keyRecord = (dims: readonly string[], keys: readonly (string | null)[]) => Object.fromEntries(dims.map((d, i) => [d, keys[i] ?? null]));

/** The bounded statistics of the request's groups, from the analytic store, after the expiry sweep. */
async function storeStatistics(asked: Asked, dp: DifferentialPrivacySettings) {
  await expireDueConsents(asked.tx, asked.policy.id, asked.now);
  return readStoreStatistics(
    asked.tx,
    { purpose: asked.policy.id, groupBy: asked.request.groupBy, filters: asked.request.filters },
    planStatistics(asked.request.measures),
    dp.bounds,
  );
}

/**
 * Under differential privacy: the budget checked and spent (a repeat of the same request over the same data
 * this month is free and identical), the store's exact statistics, the pure DP step, then billing at the
 * noisy total of the released rows. No exact count, remainder or suppressed-group count is released.
 */
async function answerNoisy(
  asked: Asked,
  dp: DifferentialPrivacySettings,
  decision: PolicyDecision,
  secret: Buffer,
): Promise<AllowedWork<InsightsAnswer> | AccessDenied> {
  const { tx, policy, now, partyId } = asked;
  const budgetKey = { partyId, purpose: policy.id, month: budgetMonth(now), now };
  const spent = await lockBudget(tx, budgetKey);
  // The sweep first: an expiry is a change of the data, and the version seeds the noise.
  await expireDueConsents(tx, policy.id, now);
  const seed = noiseSeed(canonicalInsightsRequest(asked.request, policy), await readDataVersion(tx, policy.id, now));
  const releaseKey = { partyId, purpose: policy.id, month: budgetKey.month, digest: releaseDigest(seed) };
  const repeat = await releasedBefore(tx, releaseKey);
  if (!repeat && spent + dp.epsilonPerQuery > dp.monthlyBudget + 1e-9) {
    return accessDenied({
      ...decision,
      effect: 'deny',
      matchedRules: ['budget.exceeded'],
      reasons: [
        `the monthly privacy budget of ${dp.monthlyBudget} for this purpose would be exceeded (${(dp.monthlyBudget - spent).toFixed(3)} left, a query costs ${dp.epsilonPerQuery})`,
      ],
    });
  }
  if (!repeat) {
    await spendBudget(tx, budgetKey, dp.epsilonPerQuery);
    await recordRelease(tx, releaseKey, now);
  }
  const epsilonSpent = repeat ? 0 : dp.epsilonPerQuery;
  const groups = await storeStatistics(asked, dp);
  const totalRecords = groups.reduce((sum, group) => sum + group.records, 0);
  const released = releaseNoisyAnswer(groups, totalRecords, {
    measures: asked.request.measures,
    settings: dp,
    minGroupSize: policy.minGroupSize,
    key: deriveNoiseKey(secret),
    seed,
  });
  const billedSubjects = released.rows.reduce((sum, row) => sum + row.subjects, 0);
  const bill = await billQuery(tx, {
    queryId: asked.queryId,
    partyId,
    policy,
    now,
    request: asked.request,
    releasedKeys: released.rows.map((row) => row.keys),
    remainderReleased: false,
    recordsPerSubject: dp.recordsPerSubject,
    subjects: { kind: 'noisy', subjects: billedSubjects },
  });
  const dims = asked.request.groupBy;
  const answer: InsightsAnswer = {
    ...answerBase(asked),
    rows: released.rows.map((row) => ({ keys: keyRecord(dims, row.keys), remainder: false, subjects: row.subjects, values: row.values })),
    suppressedGroups: null,
    remainderDropped: null,
    subjectsCounted: null,
    priceFen: null,
    noise: {
      mechanism: 'discrete-laplace',
      epsilonSpent,
      epsilonRemaining: Number((dp.monthlyBudget - spent - epsilonSpent).toFixed(6)),
      monthlyBudget: dp.monthlyBudget,
      repeat,
      releaseThreshold: released.threshold,
      withheldRecords: released.withheldRecords,
    },
  };
  return {
    allowed: true,
    answer,
    // Under noise the exact count is settled at the close (src/ledger); the log keeps the billed count.
    log: {
      id: asked.queryId,
      rowsReleased: answer.rows.length,
      rowsSuppressed: 0,
      subjectsCounted: bill.subjectsCounted ?? billedSubjects,
      priceFen: bill.priceFen,
    },
  };
}

/** Noise off (development and tests): the store's statistics released exactly, with k-suppression. */
async function answerExact(asked: Asked, dp: DifferentialPrivacySettings): Promise<AllowedWork<InsightsAnswer>> {
  // Where the consent ledger stood before the store was read: billing checks no consent committed since.
  const positionBefore = await consentPosition(asked.tx);
  const groups = await storeStatistics(asked, dp);
  const exact = releaseExactAnswer(groups, asked.request.measures, dp, asked.policy.minGroupSize);
  const bill = await billQuery(asked.tx, {
    queryId: asked.queryId,
    partyId: asked.partyId,
    policy: asked.policy,
    now: asked.now,
    request: asked.request,
    releasedKeys: exact.releasedKeys,
    remainderReleased: exact.remainderReleased,
    recordsPerSubject: dp.recordsPerSubject,
    subjects: exactBilling(exact, dp.recordsPerSubject, positionBefore),
  });
  const dims = asked.request.groupBy;
  const answer: InsightsAnswer = {
    ...answerBase(asked),
    rows: exact.rows.map((row) => ({ keys: keyRecord(dims, row.keys), remainder: row.remainder, subjects: row.subjects, values: row.values })),
    suppressedGroups: exact.suppressedGroups,
    remainderDropped: exact.remainderDropped,
    subjectsCounted: bill.subjectsCounted,
    priceFen: bill.priceFen,
    noise: null,
  };
  return {
    allowed: true,
    answer,
    log: {
      id: asked.queryId,
      rowsReleased: answer.rows.length,
      rowsSuppressed: exact.suppressedGroups,
      subjectsCounted: bill.subjectsCounted ?? 0,
      priceFen: bill.priceFen,
    },
  };
}

/** The store's contribution rule (migration 2026-12-07T17-01-00): each subject adds exactly one record. */
const STORE_RECORDS_PER_SUBJECT = 1;

/**
 * Whom an exact answer bills. The store counts each consenting subject once, by their latest record overall
 * (trade_in_month desc, id desc) — the record the pointer expansion keeps for a bound of one record per
 * subject — so the released rows' counts (the released groups, plus the released remainder, which merges
 * every other group matching the filters) are exactly the subjects the payout close will expand the pointer
 * to: no scan needed. Under a larger bound the expansion may count a subject by an older record the store
 * does not hold, so the pointer is expanded once to count them (no shipped policy has one).
 */
export function exactBilling(exact: Pick<ExactAnswer, 'rows'>, recordsPerSubject: number, consentPositionBefore: string): BilledSubjects {
  if (recordsPerSubject !== STORE_RECORDS_PER_SUBJECT) return { kind: 'expand' };
  return { kind: 'exact', subjects: exact.rows.reduce((sum, row) => sum + row.subjects, 0), consentPositionBefore };
}

/** Statutory: every record counts, exact, k over records; nothing is billed or contributed. */
async function answerStatutory(asked: Asked): Promise<AllowedWork<InsightsAnswer>> {
  const statutory = await readStatutoryAnswer(asked.tx, asked.policy, asked.request, asked.now);
  const answer: InsightsAnswer = {
    ...answerBase(asked),
    rows: statutory.rows,
    suppressedGroups: statutory.suppressedGroups,
    remainderDropped: statutory.remainderDropped,
    subjectsCounted: null,
    priceFen: null,
    noise: null,
  };
  return {
    allowed: true,
    answer,
    log: { id: asked.queryId, rowsReleased: answer.rows.length, rowsSuppressed: statutory.suppressedGroups, subjectsCounted: 0, priceFen: 0 },
  };
}
