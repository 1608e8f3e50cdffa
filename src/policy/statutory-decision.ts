import type { Principal } from '../auth/principal.ts';
import { evaluatePolicy, type PolicyDecision, type PolicyRequest } from './evaluate-policy.ts';
import type { AllowedPolicy, PolicySet } from './policy.types.ts';

export const DP_UNAVAILABLE_RULE = 'service.differential_privacy_unavailable';

/**
 * The decision on a statutory figure (monthly report, wipe statistics, the fairness watch, regulatory
 * statistics): the policy's own, then a refusal if the policy asks for differential privacy. These figures
 * are exact by design, with k; a service that adds no noise refuses rather than answer without it, should
 * the policy ever change. A statutory purpose needs no agreement.
 */
export function decideStatutory(
  policies: PolicySet,
  input: { principal: Principal | null; purpose: string; now: Date; request: PolicyRequest },
): { decision: PolicyDecision; policy: AllowedPolicy | null } {
  const decision = evaluatePolicy(policies, { ...input, agreement: null });
  if (decision.effect === 'deny') return { decision, policy: null };
  const policy = policies.get(input.purpose) as AllowedPolicy;
  if (policy.differentialPrivacy === undefined) return { decision, policy };
  return {
    decision: {
      ...decision,
      effect: 'deny',
      matchedRules: [DP_UNAVAILABLE_RULE],
      reasons: ['this purpose requires differential privacy, which this statutory figure cannot serve; it refuses rather than answer without noise'],
    },
    policy: null,
  };
}
