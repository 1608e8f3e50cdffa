import type { PolicyDecision, RequestFilters } from '../policy/evaluate-policy.ts';
import type { PolicyDimension, PolicyMeasure } from '../policy/policy-vocabulary.ts';
import type { AllowedPolicy } from '../policy/policy.types.ts';
import { scanDocument } from '../privacy/scan-document.ts';
import { DP_MEASURE_FORMS, unboundedMeasures } from './dp/dp-measures.ts';
import { canonicalRequest } from './dp/noise-seed.ts';
import { storeBinning, StoreResolutionError } from './store-resolution.ts';

export interface InsightsRequest {
  purpose: string;
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filters: RequestFilters;
}

export const MAX_GROUP_BY = 4;

/** What the request asks, as logged and as billing sees it. */
export function requestOf(request: InsightsRequest): { groupBy: PolicyDimension[]; measures: PolicyMeasure[]; filters: RequestFilters } {
  return { groupBy: request.groupBy, measures: request.measures, filters: request.filters };
}

/** The request's canonical form under a policy version: what seeds its noise. */
export function canonicalInsightsRequest(request: InsightsRequest, policy: AllowedPolicy): string {
  return canonicalRequest({
    purpose: policy.id,
    policyVersion: policy.version,
    groupBy: request.groupBy,
    measures: request.measures,
    filters: request.filters,
  });
}

/**
 * What the hub itself refuses even where the policy allows: personal data in filter values, too many
 * dimensions, a measure without a declared bound, and (consent-based purposes, served by the analytic
 * store) a policy whose bins the store's resolution cannot serve exactly.
 */
export function serviceChecks(decision: PolicyDecision, request: InsightsRequest, policy: AllowedPolicy): PolicyDecision {
  const denials: { rule: string; reason: string }[] = [];
  if (scanDocument(request.filters).length > 0) denials.push({ rule: 'request.filter_value_personal', reason: 'filter values must not contain personal data' });
  if (request.groupBy.length > MAX_GROUP_BY)
    denials.push({ rule: 'request.too_many_dimensions', reason: `at most ${MAX_GROUP_BY} dimensions may be grouped at once` });
  const dp = policy.differentialPrivacy;
  if (dp !== undefined) {
    const unsupported = unboundedMeasures(request.measures, dp.bounds);
    if (unsupported.length > 0) {
      denials.push({
        rule: 'request.measure_not_dp_supported',
        reason: `under differential privacy the hub cannot release ${unsupported.join(', ')}: the policy declares no bound for its input`,
      });
    }
    const misaligned = storeMisalignment(request.measures, policy);
    if (misaligned !== undefined) denials.push({ rule: 'service.store_resolution', reason: misaligned });
  }
  if (policy.legalBasis !== 'statutory' && dp === undefined) {
    denials.push({
      rule: 'service.contribution_bound_missing',
      reason: 'a consent-based purpose is answered from the analytic store, which needs the policy to bound records per subject (differentialPrivacy)',
    });
  }
  if (denials.length === 0) return decision;
  return { ...decision, effect: 'deny', matchedRules: denials.map((d) => d.rule), reasons: denials.map((d) => d.reason) };
}

function storeMisalignment(measures: readonly PolicyMeasure[], policy: AllowedPolicy): string | undefined {
  for (const measure of measures) {
    const form = DP_MEASURE_FORMS[measure];
    if (form.kind !== 'quantile') continue;
    const bound = policy.differentialPrivacy!.bounds[form.input];
    if (bound?.bins === undefined) continue;
    try {
      storeBinning(form.input, bound);
    } catch (error) {
      if (error instanceof StoreResolutionError) return error.message;
      throw error;
    }
  }
  return undefined;
}
