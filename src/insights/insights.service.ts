import { sql, type RawBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { currentAgreement } from '../agreements/agreements.service.ts';
import { appendAccessLog } from '../audit/access-log.repository.ts';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { evaluatePolicy, type PolicyDecision, type RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { AllowedPolicy, DifferentialPrivacySettings, PolicySet } from '../policy/policy.types.ts';
import { scanDocument } from '../privacy/scan-document.ts';
import type { Principal } from '../auth/principal.ts';
import { CARBON_FACTOR_SET } from './carbon-factors.ts';
import { markReleasedGroups, readBoundedStatistics } from './bounded-statistics.repository.ts';
import { planStatistics, unboundedMeasures } from './dp/dp-measures.ts';
import { canonicalRequest, deriveNoiseKey, noiseSeed, releaseDigest } from './dp/noise-seed.ts';
import { releaseNoisyAnswer } from './dp/release-noisy-answer.ts';
import { readDataVersion, recordRelease, releasedBefore } from './dp-release.repository.ts';
import { budgetMonth, lockBudget, spendBudget } from './dp-budget.repository.ts';
import { billQuery } from '../ledger/query-billing.ts';
import { DIMENSION_SQL, DISTRIBUTION_MEASURES, measureInputsSql, neededJoins, SCALAR_MEASURE_SQL } from './insight-dimensions.ts';

export interface InsightsRequest {
  purpose: string;
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filters: RequestFilters;
}

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

export type InsightsOutcome = { allowed: true; answer: InsightsAnswer } | { allowed: false; decision: PolicyDecision };

export interface InsightsContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
  /** The hub's keyed-hash secret: the noise key is derived from it. */
  secret: Buffer;
  /** 'off' only in development and tests (HUB_INSIGHTS_NOISE): answers under a DP policy are then exact, unbudgeted. */
  noise: 'on' | 'off';
}

const MAX_GROUP_BY = 4;

/**
 * Answers a purpose-bound aggregate query. The policy decides first (forbidden purposes, roles, an active
 * agreement, allowed dimensions and measures); every decision, allowed or denied, is appended to the
 * hash-chained access log in the same transaction as the work it describes. Only records whose subject
 * consents to this purpose at this moment are counted: consent is joined inside the query, never cached,
 * so a withdrawal that committed before is already out. Every released row has at least k distinct
 * subjects; smaller groups merge into one remainder row with null keys, itself dropped below k. The
 * subjects of released rows are recorded as contributions, set-based, at the policy's price.
 */
export async function runInsights(context: InsightsContext, principal: Principal | null, request: InsightsRequest): Promise<InsightsOutcome> {
  const now = context.now();
  const agreement = principal?.kind === 'party' ? await currentAgreement(context, principal.partyId, request.purpose) : undefined;
  let decision = evaluatePolicy(context.policies, {
    principal, purpose: request.purpose, now,
    request: { groupBy: request.groupBy, measures: request.measures, filters: request.filters },
    agreement: agreement && agreement.valid_from !== null && agreement.valid_to !== null
      ? { status: agreement.status, validFrom: agreement.valid_from, validTo: agreement.valid_to }
      : agreement ? { status: agreement.status, validFrom: agreement.requested_at, validTo: agreement.requested_at } : null,
  });
  const policy = context.policies.get(request.purpose);
  if (decision.effect === 'allow') decision = serviceChecks(decision, request, policy as AllowedPolicy);

  const logRequest = { groupBy: request.groupBy, measures: request.measures, filters: request.filters };
  return context.db.transaction().execute(async (tx) => {
    // Across parties, but only what an aggregate needs: the analytic tables, billing, the log's append.
    await actAs(tx, 'hub_analytics');
    if (decision.effect === 'deny') {
      await appendAccessLog(tx, {
        partyId: principal?.kind === 'party' ? principal.partyId : null, purpose: request.purpose,
        policyId: decision.policy?.id ?? null, policyVersion: decision.policy?.version ?? null, decision: 'deny',
        matchedRules: decision.matchedRules, request: logRequest, rowsReleased: 0, rowsSuppressed: 0, subjectsCounted: 0, priceFen: 0,
      }, now);
      return { allowed: false, decision } as const;
    }
    const allowed = policy as AllowedPolicy;
    const partyId = (principal as Extract<Principal, { kind: 'party' }>).partyId;
    const queryId = uuidv7();
    const dp = context.noise === 'on' ? allowed.differentialPrivacy : undefined;
    if (dp !== undefined) {
      const budgetKey = { partyId, purpose: allowed.id, month: budgetMonth(now), now };
      const spent = await lockBudget(tx, budgetKey);
      const seed = noiseSeed(
        canonicalRequest({ purpose: allowed.id, policyVersion: allowed.version, groupBy: request.groupBy, measures: request.measures, filters: request.filters }),
        await readDataVersion(tx, allowed.id, now),
      );
      const releaseKey = { partyId, purpose: allowed.id, month: budgetKey.month, digest: releaseDigest(seed) };
      const repeat = await releasedBefore(tx, releaseKey);
      if (!repeat && spent + dp.epsilonPerQuery > dp.monthlyBudget + 1e-9) {
        const denied: PolicyDecision = {
          ...decision, effect: 'deny', matchedRules: ['budget.exceeded'],
          reasons: [`the monthly privacy budget of ${dp.monthlyBudget} for this purpose would be exceeded (${(dp.monthlyBudget - spent).toFixed(3)} left, a query costs ${dp.epsilonPerQuery})`],
        };
        await appendAccessLog(tx, {
          partyId, purpose: request.purpose, policyId: allowed.id, policyVersion: allowed.version, decision: 'deny',
          matchedRules: denied.matchedRules, request: logRequest, rowsReleased: 0, rowsSuppressed: 0, subjectsCounted: 0, priceFen: 0,
        }, now);
        return { allowed: false, decision: denied } as const;
      }
      if (!repeat) {
        await spendBudget(tx, budgetKey, dp.epsilonPerQuery);
        await recordRelease(tx, releaseKey, now);
      }
      const epsilonSpent = repeat ? 0 : dp.epsilonPerQuery;
      const noisy = await aggregateNoisy(tx, allowed, dp, request, { now, queryId, partyId, seed, key: deriveNoiseKey(context.secret) });
      const answer: InsightsAnswer = {
        ...noisy.answer,
        noise: {
          mechanism: 'discrete-laplace', epsilonSpent, epsilonRemaining: Number((dp.monthlyBudget - spent - epsilonSpent).toFixed(6)),
          monthlyBudget: dp.monthlyBudget, repeat, releaseThreshold: noisy.threshold, withheldRecords: noisy.withheldRecords,
        },
      };
      await appendAccessLog(tx, {
        id: queryId, partyId, purpose: request.purpose, policyId: allowed.id, policyVersion: allowed.version, decision: 'allow',
        matchedRules: decision.matchedRules, request: logRequest, rowsReleased: answer.rows.length,
        rowsSuppressed: 0, subjectsCounted: noisy.exactSubjectsCounted, priceFen: noisy.exactPriceFen,
      }, now);
      return { allowed: true, answer } as const;
    }
    const noise = null;
    const answer = { ...(await aggregate(tx, allowed, request, now, queryId, partyId)), noise };
    await appendAccessLog(tx, {
      id: queryId, partyId, purpose: request.purpose, policyId: allowed.id, policyVersion: allowed.version, decision: 'allow',
      matchedRules: decision.matchedRules, request: logRequest, rowsReleased: answer.rows.length,
      rowsSuppressed: answer.suppressedGroups ?? 0, subjectsCounted: answer.exactSubjectsCounted, priceFen: answer.exactPriceFen,
    }, now);
    const { exactSubjectsCounted: _subjects, exactPriceFen: _price, ...released } = answer;
    return { allowed: true, answer: released } as const;
  });
}

/** What the hub itself refuses even where the policy allows: personal data in filter values, services not built. */
function serviceChecks(decision: PolicyDecision, request: InsightsRequest, policy: AllowedPolicy): PolicyDecision {
  const denials: { rule: string; reason: string }[] = [];
  if (scanDocument(request.filters).length > 0) denials.push({ rule: 'request.filter_value_personal', reason: 'filter values must not contain personal data' });
  if (request.groupBy.length > MAX_GROUP_BY) denials.push({ rule: 'request.too_many_dimensions', reason: `at most ${MAX_GROUP_BY} dimensions may be grouped at once` });
  if (policy.differentialPrivacy !== undefined) {
    const unsupported = unboundedMeasures(request.measures, policy.differentialPrivacy.bounds);
    if (unsupported.length > 0) {
      denials.push({ rule: 'request.measure_not_dp_supported', reason: `under differential privacy the hub cannot release ${unsupported.join(', ')}: the policy declares no bound for its input` });
    }
  }
  if (denials.length === 0) return decision;
  return { ...decision, effect: 'deny', matchedRules: denials.map((d) => d.rule), reasons: denials.map((d) => d.reason) };
}

function filterConditions(filters: RequestFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (name === 'tradeInMonthFrom' && typeof value === 'string') conditions.push(sql`r.trade_in_month >= ${`${value}-01`}::date`);
    else if (name === 'tradeInMonthTo' && typeof value === 'string') conditions.push(sql`r.trade_in_month <= ${`${value}-01`}::date`);
    else if (Array.isArray(value) && name in DIMENSION_SQL) {
      conditions.push(sql`(${sql.raw(DIMENSION_SQL[name as PolicyDimension])}) = any(${value}::text[])`);
    }
  }
  return conditions;
}

type Aggregated = Omit<InsightsAnswer, 'noise'> & { exactSubjectsCounted: number; exactPriceFen: number };

/**
 * Builds the query's working table `insight_base`: one row per counted record with its group key
 * (`gkey`, and g0… per dimension, or g_all) and the inputs the measures read. Consent-based purposes
 * read consenting subjects' records only, consent read here, inside the query's own transaction, at this
 * instant; statutory ones read every record. With `recordsPerSubject`, each subject keeps only that many
 * of their latest matching records: the bound that makes a subject's influence on every count finite.
 */
async function buildWorkingSet(tx: DbOrTx, policy: AllowedPolicy, request: InsightsRequest, now: Date, recordsPerSubject?: number): Promise<void> {
  const dims = request.groupBy;
  const groupSelect = dims.length === 0 ? sql.raw("'' as g_all") : sql.raw(dims.map((d, i) => `(${DIMENSION_SQL[d]})::text as g${i}`).join(', '));
  // One text key per group (a JSON array of the values, nulls included) so the working set joins its
  // groups on equality, which PostgreSQL can hash; `is not distinct from` on each key forces nested loops.
  const groupKey = sql.raw(`json_build_array(${dims.length === 0 ? "''" : dims.map((d) => `(${DIMENSION_SQL[d]})::text`).join(', ')})::text as gkey`);
  const conditions = filterConditions(request.filters);
  // An uncatalogued model is kept only as a keyed hash (src/vocabulary): such records count by category and
  // brand, and in model-level answers only once their brand's catalogue names the model.
  if (dims.includes('model')) conditions.push(sql`r.model is not null`);
  const where = conditions.length === 0 ? sql`` : sql`and ${sql.join(conditions, sql` and `)}`;
  const filterDims = Object.keys(request.filters).filter((name) => name in DIMENSION_SQL);
  const need = neededJoins([...dims, ...filterDims], request.measures);
  // "Latest per record" as one sorted pass joined by hash, not one index probe per record: on millions of
  // rows the probes read most of the table at random.
  const joins = sql.raw(`
    ${need.inspection ? 'left join (select distinct on (x.record_id) * from inspections x order by x.record_id, x.created_at desc) i on i.record_id = r.id' : ''}
    ${need.disposition ? 'left join (select distinct on (y.record_id) * from dispositions y order by y.record_id, y.created_at desc) d on d.record_id = r.id' : ''}
    ${need.catalogue ? 'left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model' : ''}`);
  const inputs = sql.raw(measureInputsSql(need));

  // Room to hash and sort a large working set in memory, for this transaction only.
  await sql`set local work_mem = '64MB'`.execute(tx);
  await sql`drop table if exists insight_base`.execute(tx);
  if (policy.legalBasis === 'statutory') {
    await sql`
      create temp table insight_base on commit drop as
      select r.id as subject_id, ${groupSelect}, ${groupKey}, ${inputs}
      from records r ${joins}
      where true ${where}`.execute(tx);
  } else {
    // Who supplied each row's documents: the trade-in's platform, and the recyclers whose inspection or
    // disposition the query read. Their counts weigh the parties' share of the price.
    const suppliers = sql.raw(`rs.platform_id as supplier_platform,
      ${need.inspection ? 'i.recycler_id' : 'null::text'} as supplier_inspection,
      ${need.disposition ? 'd.recycler_id' : 'null::text'} as supplier_disposition`);
    const consenting = sql`
      select rs.subject_id, ${suppliers}, ${groupSelect}, ${groupKey}, ${inputs}
        ${recordsPerSubject === undefined ? sql`` : sql`, row_number() over (partition by rs.subject_id order by r.trade_in_month desc, r.id desc) as subject_rank`}
      from consents c
      join record_subjects rs on rs.subject_id = c.subject_id
      join records r on r.id = rs.record_id
      ${joins}
      where c.purpose = ${policy.id} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${now})
      ${where}`;
    await (recordsPerSubject === undefined
      ? sql`create temp table insight_base on commit drop as ${consenting}`
      : sql`create temp table insight_base on commit drop as select * from (${consenting}) ranked where subject_rank <= ${recordsPerSubject}`).execute(tx);
  }
  // Temporary tables get no statistics of their own; without them the planner guesses badly.
  await sql`analyze insight_base`.execute(tx);
}

interface NoisyAggregated {
  answer: Omit<InsightsAnswer, 'noise'>;
  threshold: number;
  withheldRecords: number;
  exactSubjectsCounted: number;
  exactPriceFen: number;
}

/**
 * One allowed query under differential privacy: the working set bounded to the policy's records per
 * subject, its exact bounded statistics read once, then the pure DP step (noise seeded by the hub's key,
 * the canonical request and the data version), then billing at the noisy total for the released rows.
 * No exact count, no remainder row, no suppressed-group count leaves this function.
 */
async function aggregateNoisy(
  tx: DbOrTx, policy: AllowedPolicy, dp: DifferentialPrivacySettings, request: InsightsRequest,
  at: { now: Date; queryId: string; partyId: string; seed: string; key: Buffer },
): Promise<NoisyAggregated> {
  await buildWorkingSet(tx, policy, request, at.now, dp.recordsPerSubject);
  const plan = planStatistics(request.measures);
  const groups = await readBoundedStatistics(tx, request.groupBy.length, plan, dp.bounds);
  const totalRecords = groups.reduce((sum, group) => sum + group.records, 0);
  const released = releaseNoisyAnswer(groups, totalRecords, { measures: request.measures, settings: dp, minGroupSize: policy.minGroupSize, key: at.key, seed: at.seed });
  const gkeyOf = new Map(groups.map((group) => [JSON.stringify(group.keys), group.gkey]));
  await markReleasedGroups(tx, released.rows.map((row) => gkeyOf.get(JSON.stringify(row.keys))!));
  const billedSubjects = released.rows.reduce((sum, row) => sum + row.subjects, 0);
  const dims = request.groupBy;
  const billed = await billQuery(tx, {
    queryId: at.queryId, partyId: at.partyId, policy, now: at.now, request,
    releasedKeys: released.rows.map((row) => dims.map((_, i) => row.keys[i] ?? null)), remainderReleased: false,
    ...(dp.recordsPerSubject === undefined ? {} : { recordsPerSubject: dp.recordsPerSubject }), billedSubjects,
  });
  const exactSubjectsCounted = billed.priceFen === 0 ? 0 : (billed.subjectsCounted ?? billedSubjects);
  return {
    answer: {
      queryId: at.queryId, purpose: policy.id, policyVersion: policy.version, minGroupSize: policy.minGroupSize,
      rows: released.rows.map((row) => ({ keys: Object.fromEntries(dims.map((d, i) => [d, row.keys[i] ?? null])), remainder: false, subjects: row.subjects, values: row.values })),
      suppressedGroups: null, remainderDropped: null, subjectsCounted: null, priceFen: null, carbonFactorSet: CARBON_FACTOR_SET,
    },
    threshold: released.threshold,
    withheldRecords: released.withheldRecords,
    exactSubjectsCounted,
    exactPriceFen: billed.priceFen,
  };
}

/**
 * The working set, the k-suppression and the contributions of one allowed query, exact: statutory
 * purposes always, consent purposes when the hub runs with noise off (development and tests only).
 * Consent-based purposes count consenting subjects only; statutory ones count every record (the unit of
 * k is then the record, and nothing is contributed or paid).
 */
async function aggregate(tx: DbOrTx, policy: AllowedPolicy, request: InsightsRequest, now: Date, queryId: string, partyId: string): Promise<Aggregated> {
  const dims = request.groupBy;
  const k = policy.minGroupSize;
  const statutory = policy.legalBasis === 'statutory';
  const keys = dims.length === 0 ? ['g_all'] : dims.map((_, i) => `g${i}`);
  await buildWorkingSet(tx, policy, request, now);

  const joinOn = sql.raw('b.gkey = ig.gkey');
  // Output columns are named out_<key> and grouped by position: the bare names would be ambiguous with the
  // working tables' own columns.
  const outKeys = sql.raw(keys.map((g) => `case when ig.released then b.${g} end as out_${g}`).join(', '));
  const groupKeys = sql.raw(Array.from({ length: keys.length + 1 }, (_, i) => String(i + 1)).join(', '));
  await sql`drop table if exists insight_groups`.execute(tx);
  await sql`
    create temp table insight_groups on commit drop as
    select gkey, count(distinct subject_id) >= ${k} as released
    from insight_base group by gkey`.execute(tx);
  await sql`analyze insight_groups`.execute(tx);

  const scalar = request.measures.filter((m) => SCALAR_MEASURE_SQL[m] !== undefined);
  const scalarSql = (m: PolicyMeasure) => SCALAR_MEASURE_SQL[m]!;
  const scalarSelect = scalar.length === 0 ? sql`` : sql`, ${sql.raw(scalar.map((m) => `${scalarSql(m)} as "${m}"`).join(', '))}`;
  const { rows: grouped } = await sql<Record<string, unknown>>`
    select not ig.released as remainder, ${outKeys}, count(distinct b.subject_id)::int as subjects, count(*)::int as records,
      count(b.battery_health_pct)::int as battery_records ${scalarSelect}
    from insight_base b join insight_groups ig on ${joinOn}
    group by ${groupKeys}`.execute(tx);

  const suppressedGroups = Number((await sql<{ n: number }>`select count(*)::int as n from insight_groups where not released`.execute(tx)).rows[0]!.n);
  const remainderRow = grouped.find((row) => row.remainder === true);
  const remainderReleased = remainderRow !== undefined && Number(remainderRow.subjects) >= k;
  const released = grouped.filter((row) => row.remainder !== true || remainderReleased);

  const distributions = await distributionCounts(tx, request.measures, keys, joinOn, outKeys, groupKeys);
  const rowKey = (row: Record<string, unknown>) => outputRowKey(row, keys);
  const rows = exactRows(released, request.measures, dims, distributions, rowKey);

  // Contributions and the query's journal. Statutory queries pay nobody.
  const releasedKeys = released.filter((row) => row.remainder !== true).map((row) => dims.map((_, i) => (row[`out_g${i}`] as string | null) ?? null));
  const billed = statutory ? { subjectsCounted: 0, priceFen: 0 } : await billQuery(tx, { queryId, partyId, policy, now, request, releasedKeys, remainderReleased });
  const exactSubjectsCounted = billed.subjectsCounted ?? 0;
  const exactPriceFen = billed.priceFen;
  return {
    queryId, purpose: policy.id, policyVersion: policy.version, minGroupSize: k, rows, suppressedGroups,
    remainderDropped: remainderRow !== undefined && !remainderReleased,
    subjectsCounted: statutory ? null : exactSubjectsCounted,
    priceFen: statutory ? null : exactPriceFen,
    carbonFactorSet: CARBON_FACTOR_SET, exactSubjectsCounted, exactPriceFen,
  };
}

/** Identifies an output row across the grouped select and the distribution selects. */
function outputRowKey(row: Record<string, unknown>, keys: string[]): string {
  return JSON.stringify([row.remainder, ...keys.map((g) => row[`out_${g}`] ?? null)]);
}

type Distributions = Map<string, Map<string, { total: number; counts: Record<string, number> }>>;

function rowKeys(row: Record<string, unknown>, dims: PolicyDimension[]): Record<string, string | null> {
  return Object.fromEntries(dims.map((d, i) => [d, (row[`out_g${i}`] as string | null) ?? null]));
}

function exactRows(
  released: Record<string, unknown>[], measures: PolicyMeasure[], dims: PolicyDimension[], distributions: Distributions, rowKey: (row: Record<string, unknown>) => string,
): InsightRow[] {
  const totalRecords = released.reduce((sum, row) => sum + Number(row.records), 0);
  return released.map((row) => {
    const values: InsightRow['values'] = {};
    for (const measure of measures) {
      if (measure === 'share') values.share = totalRecords === 0 ? null : Number(row.records) / totalRecords;
      else if (SCALAR_MEASURE_SQL[measure] !== undefined) values[measure] = row[measure] === null || row[measure] === undefined ? null : Number(row[measure]);
      else {
        const cell = distributions.get(measure)?.get(rowKey(row));
        values[measure] = cell === undefined || cell.total === 0 ? {} : Object.fromEntries(Object.entries(cell.counts).map(([v, n]) => [v, n / cell.total]));
      }
    }
    return { keys: rowKeys(row, dims), remainder: row.remainder === true, subjects: Number(row.subjects), values };
  });
}

/** Grade, fault and disposition counts per output row (with each row's denominator), keyed like the rows. */
async function distributionCounts(
  tx: DbOrTx, measures: PolicyMeasure[], keys: string[], joinOn: RawBuilder<unknown>, outKeys: RawBuilder<unknown>, groupKeys: RawBuilder<unknown>,
): Promise<Distributions> {
  const result: Distributions = new Map();
  for (const measure of DISTRIBUTION_MEASURES.filter((m) => measures.includes(m))) {
    const value = measure === 'gradeDistribution' ? 'b.grade_value' : measure === 'dispositionShares' ? 'b.disposition_value' : 'f.code';
    const from = measure === 'faultRate' ? sql`insight_base b cross join lateral unnest(b.faults) as f(code)` : sql`insight_base b`;
    const denominator = measure === 'faultRate' ? 'count(*) filter (where b.inspected)' : measure === 'gradeDistribution' ? 'count(b.grade_value)' : 'count(b.disposition_value)';
    const { rows: totals } = await sql<Record<string, unknown>>`
      select not ig.released as remainder, ${outKeys}, ${sql.raw(denominator)}::float8 as total
      from insight_base b join insight_groups ig on ${joinOn} group by ${groupKeys}`.execute(tx);
    const { rows: counts } = await sql<Record<string, unknown>>`
      select not ig.released as remainder, ${outKeys}, ${sql.raw(value)} as value, count(*)::float8 as n
      from ${from} join insight_groups ig on ${joinOn}
      where ${sql.raw(value)} is not null
      group by ${groupKeys}, ${sql.raw(String(keys.length + 2))}`.execute(tx);
    const keyOf = (row: Record<string, unknown>) => outputRowKey(row, keys);
    const byKey = new Map<string, { total: number; counts: Record<string, number> }>();
    for (const row of totals) byKey.set(keyOf(row), { total: Number(row.total), counts: {} });
    for (const row of counts) {
      const cell = byKey.get(keyOf(row));
      if (cell !== undefined) cell.counts[String(row.value)] = Number(row.n);
    }
    result.set(measure, byKey);
  }
  return result;
}
