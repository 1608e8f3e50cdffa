import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { EVALUATION_RULES, type PolicyRequest } from '../../src/policy/evaluate-policy.ts';
import { SHIPPED_POLICIES_DIR, loadPolicies } from '../../src/policy/load-policies.ts';
import type { AllowedPolicy, Policy } from '../../src/policy/policy.types.ts';
import { DP_UNAVAILABLE_RULE, decideStatutory } from '../../src/policy/statutory-decision.ts';

const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
const NOW = new Date('2026-11-23T00:00:00Z');
const REGULATOR: Principal = { kind: 'party', partyId: 'provincial-commerce-bureau', role: 'regulator' };
const BRAND: Principal = { kind: 'party', partyId: 'aurora-electronics', role: 'brand' };
const REQUEST: PolicyRequest = { groupBy: ['tradeInMonth'], measures: ['count'], filters: { tradeInMonthFrom: '2026-10', tradeInMonthTo: '2026-10' } };
const input = (principal: Principal) => ({ principal, purpose: 'regulatory-statistics', now: NOW, request: REQUEST });

describe('decideStatutory', () => {
  it('allows the regulator under the shipped policy and hands back that policy', () => {
    const { decision, policy } = decideStatutory(policies, input(REGULATOR));
    expect(decision.effect).toBe('allow');
    expect(decision.matchedRules).toContain('legal_basis.statutory');
    expect(policy?.id).toBe('regulatory-statistics');
  });

  it("passes the policy's own denial through, with no policy to work under", () => {
    const { decision, policy } = decideStatutory(policies, input(BRAND));
    expect(decision.effect).toBe('deny');
    expect(decision.matchedRules).toContain('role.not_allowed');
    expect(policy).toBeNull();
  });

  it('refuses, under a rule of its own, when the policy asks for differential privacy the exact figure cannot give', () => {
    const statutory = policies.get('regulatory-statistics') as AllowedPolicy;
    const dp = (policies.get('product-rnd') as AllowedPolicy).differentialPrivacy;
    expect(dp).toBeDefined();
    const withDp = new Map<string, Policy>(policies);
    withDp.set('regulatory-statistics', { ...statutory, differentialPrivacy: dp });
    const { decision, policy } = decideStatutory(withDp, input(REGULATOR));
    expect(decision).toMatchObject({ effect: 'deny', matchedRules: [DP_UNAVAILABLE_RULE], policy: { id: 'regulatory-statistics' } });
    expect(Object.hasOwn(EVALUATION_RULES, DP_UNAVAILABLE_RULE)).toBe(true);
    expect(policy).toBeNull();
  });
});
