import { sql, type RawBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { currentAgreement } from '../agreements/agreements.service.ts';
import { appendAccessLog } from '../audit/access-log.repository.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { evaluatePolicy, type PolicyDecision, type RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { AllowedPolicy, PolicySet } from '../policy/policy.types.ts';
import { scanDocument } from '../privacy/scan-document.ts';
import type { Principal } from '../server/auth.ts';
import { CARBON_FACTOR_SET } from './carbon-factors.ts';
import { DIMENSION_SQL, DISTRIBUTION_MEASURES, MEASURE_INPUTS_SQL, SCALAR_MEASURE_SQL } from './insight-dimensions.ts';

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
  /** Groups below k (merged into the remainder row); how many subjects they held is not told. */
  suppressedGroups: number;
  /** True when the remainder itself stayed below k and was dropped. */
  remainderDropped: boolean;
  subjectsCounted: number;
  priceFen: number;
  carbonFactorSet: string;
}

export type InsightsOutcome = { allowed: true; answer: InsightsAnswer } | { allowed: false; decision: PolicyDecision };

export interface InsightsContext {
  db: Db;
  policies: PolicySet;
  now: () => Date;
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
    const answer = await aggregate(tx, allowed, request, now, queryId, partyId);
    await appendAccessLog(tx, {
      id: queryId, partyId, purpose: request.purpose, policyId: allowed.id, policyVersion: allowed.version, decision: 'allow',
      matchedRules: decision.matchedRules, request: logRequest, rowsReleased: answer.rows.length,
      rowsSuppressed: answer.suppressedGroups, subjectsCounted: answer.subjectsCounted, priceFen: answer.priceFen,
    }, now);
    return { allowed: true, answer } as const;
  });
}

/** What the hub itself refuses even where the policy allows: personal data in filter values, services not built. */
function serviceChecks(decision: PolicyDecision, request: InsightsRequest, policy: AllowedPolicy): PolicyDecision {
  const denials: { rule: string; reason: string }[] = [];
  if (scanDocument(request.filters).length > 0) denials.push({ rule: 'request.filter_value_personal', reason: 'filter values must not contain personal data' });
  if (request.groupBy.length > MAX_GROUP_BY) denials.push({ rule: 'request.too_many_dimensions', reason: `at most ${MAX_GROUP_BY} dimensions may be grouped at once` });
  if (policy.differentialPrivacy !== undefined) {
    denials.push({ rule: 'service.differential_privacy_unavailable', reason: 'this purpose requires differential privacy, which the hub does not serve yet; it refuses rather than answer without noise' });
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

async function aggregate(tx: DbOrTx, policy: AllowedPolicy, request: InsightsRequest, now: Date, queryId: string, partyId: string): Promise<InsightsAnswer> {
  const dims = request.groupBy;
  const k = policy.minGroupSize;
  const keyColumns = dims.map((_, i) => `g${i}`);
  const groupSelect = dims.length === 0 ? sql.raw("'' as g_all") : sql.raw(dims.map((d, i) => `(${DIMENSION_SQL[d]})::text as g${i}`).join(', '));
  const conditions = filterConditions(request.filters);
  const where = conditions.length === 0 ? sql`` : sql`and ${sql.join(conditions, sql` and `)}`;

  // The working set: one row per (consenting subject, record) matching the filters. Consent is read here,
  // inside the query's own transaction, at this instant.
  await sql`drop table if exists insight_base`.execute(tx);
  await sql`
    create temp table insight_base on commit drop as
    select rs.subject_id, ${groupSelect}, ${sql.raw(MEASURE_INPUTS_SQL)}
    from consents c
    join record_subjects rs on rs.subject_id = c.subject_id
    join records r on r.id = rs.record_id
    left join lateral (select * from inspections x where x.record_id = r.id order by x.created_at desc limit 1) i on true
    left join lateral (select * from dispositions y where y.record_id = r.id order by y.created_at desc limit 1) d on true
    left join catalogue_models cm on cm.brand = r.brand and cm.model = r.model
    where c.purpose = ${policy.id} and c.status = 'granted' and (c.expires_at is null or c.expires_at > ${now})
    ${where}`.execute(tx);

  const keys = dims.length === 0 ? ['g_all'] : keyColumns;
  const joinOn = sql.raw(keys.map((g) => `b.${g} is not distinct from ig.${g}`).join(' and '));
  // Output columns are named out_<key> and grouped by position: the bare names would be ambiguous with the
  // working tables' own columns.
  const outKeys = sql.raw(keys.map((g) => `case when ig.released then b.${g} end as out_${g}`).join(', '));
  const groupKeys = sql.raw(Array.from({ length: keys.length + 1 }, (_, i) => String(i + 1)).join(', '));
  await sql`drop table if exists insight_groups`.execute(tx);
  await sql`
    create temp table insight_groups on commit drop as
    select ${sql.raw(keys.join(', '))}, count(distinct subject_id) >= ${k} as released
    from insight_base group by ${sql.raw(keys.join(', '))}`.execute(tx);

  const scalar = request.measures.filter((m) => SCALAR_MEASURE_SQL[m] !== undefined);
  const scalarSelect = scalar.length === 0 ? sql`` : sql`, ${sql.raw(scalar.map((m) => `${SCALAR_MEASURE_SQL[m]} as "${m}"`).join(', '))}`;
  const { rows: grouped } = await sql<Record<string, unknown>>`
    select not ig.released as remainder, ${outKeys}, count(distinct b.subject_id)::int as subjects, count(*)::int as records ${scalarSelect}
    from insight_base b join insight_groups ig on ${joinOn}
    group by ${groupKeys}`.execute(tx);

  const suppressedGroups = Number((await sql<{ n: number }>`select count(*)::int as n from insight_groups where not released`.execute(tx)).rows[0]!.n);
  const remainderRow = grouped.find((row) => row.remainder === true);
  const remainderReleased = remainderRow !== undefined && Number(remainderRow.subjects) >= k;
  const released = grouped.filter((row) => row.remainder !== true || remainderReleased);

  const distributions = await distributionMeasures(tx, request.measures, keys, joinOn, outKeys, groupKeys);
  const rowKey = (row: Record<string, unknown>) => JSON.stringify([row.remainder, ...keys.map((g) => row[`out_${g}`] ?? null)]);
  const totalRecords = released.reduce((sum, row) => sum + Number(row.records), 0);
  const answerRows: InsightRow[] = released.map((row) => {
    const values: InsightRow['values'] = {};
    for (const measure of request.measures) {
      if (measure === 'share') values.share = totalRecords === 0 ? null : Number(row.records) / totalRecords;
      else if (SCALAR_MEASURE_SQL[measure] !== undefined) values[measure] = row[measure] === null || row[measure] === undefined ? null : Number(row[measure]);
      else values[measure] = distributions.get(measure)?.get(rowKey(row)) ?? {};
    }
    return {
      keys: Object.fromEntries(dims.map((d, i) => [d, (row[`out_g${i}`] as string | null) ?? null])),
      remainder: row.remainder === true,
      subjects: Number(row.subjects),
      values,
    };
  });

  // Contributions: every subject of a released row, in one statement.
  const inserted = await sql`
    insert into contributions (subject_id, query_id, party_id, purpose, price_fen, created_at)
    select distinct b.subject_id, ${queryId}::uuid, ${partyId}, ${policy.id}, ${policy.pricePerSubjectFen}::bigint, ${now}::timestamptz
    from insight_base b join insight_groups ig on ${joinOn}
    where ig.released or ${remainderReleased}`.execute(tx);
  const subjectsCounted = Number(inserted.numAffectedRows ?? 0n);
  return {
    queryId, purpose: policy.id, policyVersion: policy.version, minGroupSize: k, rows: answerRows, suppressedGroups,
    remainderDropped: remainderRow !== undefined && !remainderReleased, subjectsCounted,
    priceFen: subjectsCounted * policy.pricePerSubjectFen, carbonFactorSet: CARBON_FACTOR_SET,
  };
}

/** Grade, fault and disposition shares per output row, keyed like the grouped rows. */
async function distributionMeasures(
  tx: DbOrTx, measures: PolicyMeasure[], keys: string[], joinOn: RawBuilder<unknown>, outKeys: RawBuilder<unknown>, groupKeys: RawBuilder<unknown>,
): Promise<Map<string, Map<string, Record<string, number>>>> {
  const result = new Map<string, Map<string, Record<string, number>>>();
  const wanted = DISTRIBUTION_MEASURES.filter((m) => measures.includes(m));
  for (const measure of wanted) {
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
    const keyOf = (row: Record<string, unknown>) => JSON.stringify([row.remainder, ...keys.map((g) => row[`out_${g}`] ?? null)]);
    const totalByKey = new Map(totals.map((row) => [keyOf(row), Number(row.total)]));
    const byKey = new Map<string, Record<string, number>>();
    for (const row of counts) {
      const key = keyOf(row);
      const total = totalByKey.get(key) ?? 0;
      if (total === 0) continue;
      const shares = byKey.get(key) ?? {};
      shares[String(row.value)] = Number(row.n) / total;
      byKey.set(key, shares);
    }
    result.set(measure, byKey);
  }
  return result;
}
