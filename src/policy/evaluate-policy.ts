import type { Principal } from '../auth/principal.ts';
import type { AllowedPolicy, PolicySet } from './policy.types.ts';
import { FORBIDDEN_PURPOSES, MONTH_RANGE_FILTERS, isPolicyDimension, isPolicyMeasure } from './policy-vocabulary.ts';

/**
 * Every rule the evaluator itself can match, with its one-line description (Cedar's `@id` and `///`).
 * The access log stores the ids; docs and the log viewer print the descriptions. Ids are stable: a
 * rule that changes meaning gets a new id.
 */
export const EVALUATION_RULES = {
  'purpose.forbidden': 'the purpose is forbidden: every request for it is denied before anything else is looked at',
  'purpose.unknown': 'no policy names the purpose, so it is denied (fail closed)',
  'purpose.allowed': 'a policy allows the purpose',
  'principal.anonymous': 'a caller without a verified token may not run purpose-bound queries',
  'principal.user': "a data subject's token may not run purpose-bound queries; only parties may",
  'role.not_allowed': "the party's role is not among the policy's rolesAllowed",
  'role.allowed': "the party's role is among the policy's rolesAllowed",
  'agreement.missing': 'a consent-based purpose needs a data-use agreement, and the party has none',
  'agreement.inactive': 'the data-use agreement is not active yet, or was rejected',
  'agreement.terminated': 'the data-use agreement was terminated by the party or the operator',
  'agreement.expired': 'the data-use agreement is not in force at the time of the request (before validFrom, or at or after validTo)',
  'agreement.active': 'the party holds an active data-use agreement in force for the purpose',
  'legal_basis.statutory': 'the purpose rests on a statutory duty, so no data-use agreement is needed',
  'request.dimension_not_allowed': 'the request groups by a dimension the policy does not allow',
  'request.filter_not_allowed': 'the request filters on a dimension the policy does not allow',
  'request.measure_not_allowed': 'the request asks for a measure the policy does not allow',
  'request.month_range_invalid': 'the trade-in month range is not YYYY-MM to YYYY-MM with from not after to',
  'request.within_policy': 'every dimension grouped or filtered and every measure is allowed, and the month range is well-formed',
  'service.differential_privacy_unavailable':
    'the policy asks for differential privacy and the statutory figure is exact by design, so the service refuses rather than answer without noise',
} as const satisfies Record<string, string>;

export type EvaluationRuleId = keyof typeof EVALUATION_RULES;

/**
 * What a query filters on: dimension → values, plus the optional month range. The values are data and
 * never appear in a decision; only the keys are judged.
 */
export interface RequestFilters {
  readonly tradeInMonthFrom?: string;
  readonly tradeInMonthTo?: string;
  readonly [dimension: string]: readonly string[] | string | undefined;
}

/** The shape of an insights request, as far as the policy is concerned. */
export interface PolicyRequest {
  readonly groupBy: readonly string[];
  readonly measures: readonly string[];
  readonly filters: RequestFilters;
}

/** The calling party's data-use agreement for the requested purpose, if it has one. */
export interface AgreementState {
  /** Only `active` grants; any other status (requested, rejected, terminated …) denies. */
  readonly status: string;
  /** ISO 8601 instant or Date; the agreement is in force from validFrom (inclusive) to validTo (exclusive). */
  readonly validFrom: string | Date;
  readonly validTo: string | Date;
}

export interface PolicyEvaluationInput {
  /** The verified caller; null for a request without a token. */
  readonly principal: Principal | null;
  readonly purpose: string;
  readonly request: PolicyRequest;
  readonly agreement: AgreementState | null;
  /** The clock, passed in: the time the request is judged at. */
  readonly now: Date;
}

export interface PolicyDecision {
  effect: 'allow' | 'deny';
  /**
   * On deny, every failing rule (only the first for forbidden or unknown purposes, which stop at
   * once; a forbidden policy's own rule ids follow `purpose.forbidden`). On allow, the rules that
   * granted it. Ids are from EVALUATION_RULES or the policy's `rules`.
   */
  matchedRules: string[];
  /** English sentences, one per matched rule or more; they name dimensions and measures, never values. */
  reasons: string[];
  /** The policy that decided, when one did. */
  policy?: { id: string; version: number };
}

const FORBIDDEN_PURPOSE_IDS: ReadonlySet<string> = new Set(FORBIDDEN_PURPOSES);
const MONTH_RANGE_KEYS: ReadonlySet<string> = new Set(MONTH_RANGE_FILTERS);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

interface Finding {
  rule: EvaluationRuleId;
  reason: string;
}

/**
 * Names the requested names the policy does not allow. Only names from the standard vocabulary are
 * echoed; anything else is counted, because a caller could put a value where a name belongs.
 */
function describeNames(names: readonly string[], isKnown: (name: string) => boolean, noun: string): string {
  const known = [...new Set(names.filter(isKnown))];
  const unknownCount = new Set(names.filter((name) => !isKnown(name))).size;
  const parts: string[] = [];
  if (known.length > 0) parts.push(known.join(', '));
  if (unknownCount > 0) parts.push(`${unknownCount} ${noun}${unknownCount === 1 ? '' : 's'} outside the standard vocabulary`);
  return parts.join(' and ');
}

function checkPrincipal(principal: Principal | null, policy: AllowedPolicy): Finding[] {
  if (principal === null) {
    return [{ rule: 'principal.anonymous', reason: `an anonymous caller may not query for ${policy.id}` }];
  }
  if (principal.kind !== 'party') {
    return [{ rule: 'principal.user', reason: `a user token may not query for ${policy.id}; only parties may` }];
  }
  if (!policy.rolesAllowed.includes(principal.role)) {
    return [
      {
        rule: 'role.not_allowed',
        reason: `role ${principal.role} may not query for ${policy.id} (allowed: ${policy.rolesAllowed.join(', ')})`,
      },
    ];
  }
  return [];
}

function checkAgreement(agreement: AgreementState | null, policy: AllowedPolicy, now: Date): Finding[] {
  if (agreement === null) {
    return [{ rule: 'agreement.missing', reason: `${policy.id} needs a data-use agreement, and there is none` }];
  }
  if (agreement.status === 'terminated') {
    return [{ rule: 'agreement.terminated', reason: `the data-use agreement for ${policy.id} was terminated` }];
  }
  if (agreement.status !== 'active') {
    return [{ rule: 'agreement.inactive', reason: `the data-use agreement for ${policy.id} is not active` }];
  }
  const from = new Date(agreement.validFrom).getTime();
  const to = new Date(agreement.validTo).getTime();
  const at = now.getTime();
  // Unparseable dates fail the comparison below (NaN compares false), so they deny rather than allow.
  if (!(from <= at)) {
    return [{ rule: 'agreement.expired', reason: `the data-use agreement for ${policy.id} is not yet in force` }];
  }
  if (!(at < to)) {
    return [{ rule: 'agreement.expired', reason: `the data-use agreement for ${policy.id} has expired` }];
  }
  return [];
}

function checkMonthRange(filters: RequestFilters): Finding[] {
  const findings: Finding[] = [];
  const bounds: Array<[string, unknown]> = MONTH_RANGE_FILTERS.map((key) => [key, filters[key]]);
  for (const [key, value] of bounds) {
    if (value !== undefined && (typeof value !== 'string' || !MONTH.test(value))) {
      findings.push({ rule: 'request.month_range_invalid', reason: `${key} must be a month written YYYY-MM` });
    }
  }
  const { tradeInMonthFrom: from, tradeInMonthTo: to } = filters;
  if (findings.length === 0 && typeof from === 'string' && typeof to === 'string' && from > to) {
    findings.push({ rule: 'request.month_range_invalid', reason: 'tradeInMonthFrom must not be after tradeInMonthTo' });
  }
  return findings;
}

function checkRequest(request: PolicyRequest, policy: AllowedPolicy): Finding[] {
  const dimensions: ReadonlySet<string> = new Set(policy.dimensions);
  const measures: ReadonlySet<string> = new Set(policy.measures);
  const findings: Finding[] = [];

  const groupBy = request.groupBy.filter((name) => !dimensions.has(name));
  if (groupBy.length > 0) {
    findings.push({
      rule: 'request.dimension_not_allowed',
      reason: `${policy.id} does not allow grouping by ${describeNames(groupBy, isPolicyDimension, 'dimension')}`,
    });
  }
  const filterKeys = Object.keys(request.filters).filter((key) => !MONTH_RANGE_KEYS.has(key) && !dimensions.has(key));
  if (filterKeys.length > 0) {
    findings.push({
      rule: 'request.filter_not_allowed',
      reason: `${policy.id} does not allow filtering on ${describeNames(filterKeys, isPolicyDimension, 'dimension')}`,
    });
  }
  const measureNames = request.measures.filter((name) => !measures.has(name));
  if (measureNames.length > 0) {
    findings.push({
      rule: 'request.measure_not_allowed',
      reason: `${policy.id} does not allow the measure${measureNames.length === 1 ? '' : 's'} ${describeNames(measureNames, isPolicyMeasure, 'measure')}`,
    });
  }
  return [...findings, ...checkMonthRange(request.filters)];
}

function deny(findings: readonly Finding[], policy?: { id: string; version: number }): PolicyDecision {
  return {
    effect: 'deny',
    matchedRules: [...new Set(findings.map((finding) => finding.rule))],
    reasons: findings.map((finding) => finding.reason),
    ...(policy ? { policy } : {}),
  };
}

/**
 * Decides whether a caller may run a request for a purpose. Pure: no clock, no I/O; `now` is the time
 * the request is judged at.
 *
 * Order: a forbidden purpose is denied first (`purpose.forbidden`, also for the ids in
 * FORBIDDEN_PURPOSES when no policy names them), then a purpose without a policy (`purpose.unknown`);
 * both stop at once. Otherwise every check runs and all failures are reported together: the caller
 * must be a party (`principal.*`) whose role the policy admits; a consent-based policy needs an
 * agreement that is active and in force at `now` (a statutory one needs none); every grouped or
 * filtered dimension and every measure must be granted, and the month range well-formed.
 *
 * Never throws for an odd request: anything unrecognised is denied. Reasons name dimensions and
 * measures from the standard vocabulary only, never filter values or other caller-supplied strings.
 */
export function evaluatePolicy(policies: PolicySet, input: PolicyEvaluationInput): PolicyDecision {
  const policy = policies.get(input.purpose);
  if (policy?.status === 'forbidden') {
    return {
      effect: 'deny',
      matchedRules: ['purpose.forbidden', ...policy.rules.map((rule) => rule.id)],
      reasons: [`${policy.id} is a forbidden purpose`, ...policy.rules.map((rule) => rule.description)],
      policy: { id: policy.id, version: policy.version },
    };
  }
  if (FORBIDDEN_PURPOSE_IDS.has(input.purpose)) {
    return deny([{ rule: 'purpose.forbidden', reason: `${input.purpose} is a forbidden purpose` }]);
  }
  if (policy === undefined) {
    return deny([{ rule: 'purpose.unknown', reason: 'no policy names the requested purpose' }]);
  }

  const ref = { id: policy.id, version: policy.version };
  const findings = [
    ...checkPrincipal(input.principal, policy),
    ...(policy.legalBasis === 'consent' ? checkAgreement(input.agreement, policy, input.now) : []),
    ...checkRequest(input.request, policy),
  ];
  if (findings.length > 0) return deny(findings, ref);

  const basis: Finding =
    policy.legalBasis === 'consent'
      ? { rule: 'agreement.active', reason: `the data-use agreement for ${policy.id} is active and in force` }
      : { rule: 'legal_basis.statutory', reason: `${policy.id} rests on a statutory duty; no agreement is needed` };
  const granted: Finding[] = [
    { rule: 'purpose.allowed', reason: `${policy.id} v${policy.version} is an allowed purpose` },
    { rule: 'role.allowed', reason: `the caller's role may query for ${policy.id} (allowed: ${policy.rolesAllowed.join(', ')})` },
    basis,
    { rule: 'request.within_policy', reason: `${policy.id} allows every dimension and measure requested` },
  ];
  return {
    effect: 'allow',
    matchedRules: granted.map((finding) => finding.rule),
    reasons: granted.map((finding) => finding.reason),
    policy: ref,
  };
}
