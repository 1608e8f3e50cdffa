import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PartyRole } from '../../src/parties/parties.table.ts';
import { EVALUATION_RULES, evaluatePolicy, type AgreementState, type PolicyEvaluationInput, type PolicyRequest } from '../../src/policy/evaluate-policy.ts';
import { SHIPPED_POLICIES_DIR, loadPolicies } from '../../src/policy/load-policies.ts';
import type { AllowedPolicy, Policy, PolicySet } from '../../src/policy/policy.types.ts';
import { FORBIDDEN_PURPOSES, MONTH_RANGE_FILTERS, POLICY_DIMENSIONS, POLICY_MEASURES, POLICY_ROLES } from '../../src/policy/policy-vocabulary.ts';
import type { Principal } from '../../src/server/auth.ts';

const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
const NOW = new Date('2026-11-23T00:00:00Z');
const ACTIVE: AgreementState = { status: 'active', validFrom: '2026-03-01T00:00:00Z', validTo: '2027-03-01T00:00:00Z' };
const BRAND: Principal = { kind: 'party', partyId: 'aurora-electronics', role: 'brand' };
const REGULATOR: Principal = { kind: 'party', partyId: 'provincial-commerce-bureau', role: 'regulator' };
const USER: Principal = { kind: 'user', platformId: 'shopmall-platform', subjectRef: 'u7Qm2xK9pLr4sT8vWz1yB3cD' };

/** A brand's product-rnd request that every rule allows; each case below changes one thing. */
const RND: PolicyEvaluationInput = {
  principal: BRAND,
  purpose: 'product-rnd',
  request: {
    groupBy: ['model', 'ageBand'],
    measures: ['faultRate', 'residualRatioP50'],
    filters: { category: ['mobile_phone'], tradeInMonthFrom: '2025-01', tradeInMonthTo: '2025-12' },
  },
  agreement: ACTIVE,
  now: NOW,
};

const STATS: PolicyEvaluationInput = {
  principal: REGULATOR,
  purpose: 'regulatory-statistics',
  request: { groupBy: ['category', 'province'], measures: ['count'], filters: {} },
  agreement: null,
  now: NOW,
};

function withRequest(input: PolicyEvaluationInput, request: Partial<PolicyRequest>): PolicyEvaluationInput {
  return { ...input, request: { ...input.request, ...request } };
}

function allowedPolicy(id: string): AllowedPolicy {
  const policy = policies.get(id);
  if (policy?.status !== 'allowed') throw new Error(`${id} must be an allowed policy`);
  return policy;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('evaluatePolicy', () => {
  it('allows a brand with an active agreement a request within product-rnd, naming the rules that granted it', () => {
    expect(evaluatePolicy(policies, RND)).toEqual({
      effect: 'allow',
      matchedRules: ['purpose.allowed', 'role.allowed', 'agreement.active', 'request.within_policy'],
      reasons: expect.any(Array),
      policy: { id: 'product-rnd', version: 3 },
    });
  });

  it('allows a regulator statutory statistics without any agreement', () => {
    expect(evaluatePolicy(policies, STATS)).toMatchObject({
      effect: 'allow',
      matchedRules: ['purpose.allowed', 'role.allowed', 'legal_basis.statutory', 'request.within_policy'],
      policy: { id: 'regulatory-statistics', version: 1 },
    });
  });

  // Each denied twin changes one thing of the allowed request and is refused by exactly one rule.
  const twins: Array<[string, PolicyEvaluationInput, string]> = [
    ['an anonymous caller (unauthorised)', { ...RND, principal: null }, 'principal.anonymous'],
    ["a user's token (unauthorised)", { ...RND, principal: USER }, 'principal.user'],
    ['a recycler (role not allowed)', { ...RND, principal: { kind: 'party', partyId: 'greenloop-recycling', role: 'recycler' } }, 'role.not_allowed'],
    ['no agreement', { ...RND, agreement: null }, 'agreement.missing'],
    ['an agreement awaiting approval', { ...RND, agreement: { ...ACTIVE, status: 'requested' } }, 'agreement.inactive'],
    ['a terminated agreement', { ...RND, agreement: { ...ACTIVE, status: 'terminated' } }, 'agreement.terminated'],
    ['an agreement that has ended', { ...RND, agreement: { ...ACTIVE, validTo: '2026-11-23T00:00:00Z' } }, 'agreement.expired'],
    ['an agreement not yet in force', { ...RND, agreement: { ...ACTIVE, validFrom: '2026-11-23T00:00:01Z' } }, 'agreement.expired'],
    ['an agreement with unreadable dates', { ...RND, agreement: { ...ACTIVE, validTo: 'soon' } }, 'agreement.expired'],
    ['grouping by prefecture', withRequest(RND, { groupBy: ['model', 'prefecture'] }), 'request.dimension_not_allowed'],
    ['filtering on channel', withRequest(RND, { filters: { channel: ['online'] } }), 'request.filter_not_allowed'],
    ['asking for CO2e', withRequest(RND, { measures: ['faultRate', 'co2eAvoidedKg'] }), 'request.measure_not_allowed'],
    ['a reversed month range', withRequest(RND, { filters: { tradeInMonthFrom: '2025-12', tradeInMonthTo: '2025-01' } }), 'request.month_range_invalid'],
    ['a month 13', withRequest(RND, { filters: { tradeInMonthFrom: '2025-13' } }), 'request.month_range_invalid'],
    ['a day instead of a month', withRequest(RND, { filters: { tradeInMonthTo: '2025-12-31' } }), 'request.month_range_invalid'],
  ];
  for (const [name, input, rule] of twins) {
    it(`denies the allowed request's twin with ${name} by ${rule}`, () => {
      const decision = evaluatePolicy(policies, input);
      expect(decision).toMatchObject({ effect: 'deny', matchedRules: [rule], policy: { id: 'product-rnd', version: 3 } });
      expect(decision.reasons).toHaveLength(1);
    });
  }

  it('denies a brand statutory statistics even with an active agreement (role not allowed)', () => {
    expect(evaluatePolicy(policies, { ...STATS, principal: BRAND, agreement: ACTIVE })).toMatchObject({ effect: 'deny', matchedRules: ['role.not_allowed'] });
  });

  it('holds an agreement in force from validFrom inclusive to validTo exclusive', () => {
    const at = (now: string) => evaluatePolicy(policies, { ...RND, now: new Date(now) }).effect;
    expect(at('2026-03-01T00:00:00Z')).toBe('allow');
    expect(at('2027-02-28T23:59:59Z')).toBe('allow');
    expect(at('2027-03-01T00:00:00Z')).toBe('deny');
    expect(at('2026-02-28T23:59:59Z')).toBe('deny');
  });

  it('accepts a one-sided month range, and month filters without the tradeInMonth dimension', () => {
    expect(evaluatePolicy(policies, withRequest(RND, { filters: { tradeInMonthFrom: '2026-01' } })).effect).toBe('allow');
    expect(evaluatePolicy(policies, withRequest(RND, { filters: { tradeInMonthTo: '2026-01' } })).effect).toBe('allow');
  });

  it('reports every failing rule together, in a stable order', () => {
    const decision = evaluatePolicy(policies, {
      ...RND,
      principal: USER,
      agreement: null,
      request: { groupBy: ['prefecture'], measures: ['co2eAvoidedKg'], filters: { channel: ['online'], tradeInMonthFrom: '2025' } },
    });
    expect(decision.effect).toBe('deny');
    expect(decision.matchedRules).toEqual([
      'principal.user',
      'agreement.missing',
      'request.dimension_not_allowed',
      'request.filter_not_allowed',
      'request.measure_not_allowed',
      'request.month_range_invalid',
    ]);
    expect(decision.reasons).toHaveLength(6);
  });

  it('names dimensions and measures in its reasons but never filter values or unknown names', () => {
    const decision = evaluatePolicy(policies, {
      ...RND,
      request: {
        groupBy: ['prefecture', '13812345678'],
        measures: ['co2eAvoidedKg', 'zhangsan'],
        filters: { channel: ['110101199003077777'], 'liu@example.com': ['x'], tradeInMonthFrom: 'secret-value' },
      },
    });
    const text = decision.reasons.join('\n');
    expect(text).toContain('prefecture');
    expect(text).toContain('co2eAvoidedKg');
    expect(text).toContain('channel');
    for (const value of ['13812345678', 'zhangsan', '110101199003077777', 'liu@example.com', 'secret-value']) expect(text).not.toContain(value);
  });

  it('refuses resale to every role with an active agreement, and to users and anonymous callers', () => {
    const principals: Array<Principal | null> = [...POLICY_ROLES.map((role): Principal => ({ kind: 'party', partyId: `some-${role}`, role })), USER, null];
    for (const principal of principals) {
      const decision = evaluatePolicy(policies, { ...RND, purpose: 'resale', principal });
      expect(decision).toEqual({
        effect: 'deny',
        matchedRules: ['purpose.forbidden', 'resale.no_onward_transfer', 'resale.consent_is_purpose_bound'],
        reasons: expect.arrayContaining(['resale is a forbidden purpose']),
        policy: { id: 'resale', version: 1 },
      });
    }
  });

  it('refuses the forbidden purposes even when no policy file names them', () => {
    for (const purpose of FORBIDDEN_PURPOSES) {
      expect(evaluatePolicy(new Map(), { ...RND, purpose })).toEqual({
        effect: 'deny',
        matchedRules: ['purpose.forbidden'],
        reasons: [`${purpose} is a forbidden purpose`],
      });
    }
  });

  it('refuses a purpose that no policy names, and stops there (fail closed)', () => {
    const decision = evaluatePolicy(policies, { ...RND, purpose: 'product-research', principal: null, agreement: null });
    expect(decision).toEqual({ effect: 'deny', matchedRules: ['purpose.unknown'], reasons: ['no policy names the requested purpose'] });
    expect(evaluatePolicy(policies, { ...RND, purpose: '__proto__' }).matchedRules).toEqual(['purpose.unknown']);
  });

  it('reads no clock: the decision depends on the now it is given', () => {
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('evaluatePolicy must not read the clock');
    });
    expect(evaluatePolicy(policies, RND).effect).toBe('allow');
    expect(evaluatePolicy(policies, { ...RND, now: new Date('2030-01-01T00:00:00Z') }).effect).toBe('deny');
  });
});

describe('EVALUATION_RULES', () => {
  it('describes every rule in one line', () => {
    for (const [id, description] of Object.entries(EVALUATION_RULES)) {
      expect(id).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(description).toMatch(/^[^\n]{10,200}$/);
    }
  });
});

describe('evaluatePolicy properties', () => {
  const allowedIds = [...policies.values()].filter((policy) => policy.status === 'allowed').map((policy) => policy.id);
  const forbiddenPolicy: Policy = {
    id: 'resale',
    version: 1,
    title: { zh: '转卖', en: 'Resale' },
    description: { zh: '转卖', en: 'Resale' },
    status: 'forbidden',
    rules: [{ id: 'resale.no', description: 'No.' }],
  };

  const principalArb: fc.Arbitrary<Principal | null> = fc.oneof(
    fc.constant(null),
    fc.record({ kind: fc.constant('party' as const), partyId: fc.string(), role: fc.constantFrom<PartyRole>(...POLICY_ROLES) }),
    fc.record({ kind: fc.constant('user' as const), platformId: fc.string(), subjectRef: fc.string() }),
  );
  const agreementArb: fc.Arbitrary<AgreementState | null> = fc.option(
    fc.record({
      status: fc.constantFrom('active', 'requested', 'terminated', 'rejected'),
      validFrom: fc.date({ noInvalidDate: true }),
      validTo: fc.date({ noInvalidDate: true }),
    }),
  );
  const nameArb = fc.oneof(fc.constantFrom<string>(...POLICY_DIMENSIONS, ...POLICY_MEASURES), fc.string());
  const requestArb: fc.Arbitrary<PolicyRequest> = fc.record({
    groupBy: fc.array(nameArb, { maxLength: 4 }),
    measures: fc.array(nameArb, { maxLength: 4 }),
    filters: fc.dictionary(nameArb, fc.array(fc.string(), { maxLength: 3 }), { maxKeys: 3 }),
  });

  it('denies any request that groups, filters or measures something its policy does not allow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...allowedIds),
        fc.constantFrom('groupBy', 'filters', 'measures'),
        nameArb,
        fc.nat(),
        principalArb,
        agreementArb,
        (purpose, where, name, seed, principal, agreement) => {
          const policy = allowedPolicy(purpose);
          const granted: readonly string[] = where === 'measures' ? policy.measures : policy.dimensions;
          fc.pre(!granted.includes(name) && !(where === 'filters' && (MONTH_RANGE_FILTERS as readonly string[]).includes(name)));
          const request: PolicyRequest = {
            groupBy: where === 'groupBy' ? [policy.dimensions[seed % policy.dimensions.length]!, name] : [],
            measures: where === 'measures' ? [name] : [policy.measures[seed % policy.measures.length]!],
            filters: where === 'filters' ? { [name]: ['v'] } : {},
          };
          const decision = evaluatePolicy(policies, { principal, purpose, request, agreement, now: NOW });
          const rule = { groupBy: 'request.dimension_not_allowed', filters: 'request.filter_not_allowed', measures: 'request.measure_not_allowed' }[where];
          expect(decision.effect).toBe('deny');
          expect(decision.matchedRules).toContain(rule);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lets forbidden win over any caller, agreement, request and time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<string>(...FORBIDDEN_PURPOSES),
        fc.boolean(),
        principalArb,
        agreementArb,
        requestArb,
        fc.date({ noInvalidDate: true }),
        (purpose, fromFile, principal, agreement, request, now) => {
          const set: PolicySet = fromFile ? policies : new Map([...policies].filter(([id]) => id !== purpose));
          const decision = evaluatePolicy(set, { principal, purpose, request, agreement, now });
          expect(decision.effect).toBe('deny');
          expect(decision.matchedRules[0]).toBe('purpose.forbidden');
          expect(decision.matchedRules.filter((rule) => Object.hasOwn(EVALUATION_RULES, rule))).toEqual(['purpose.forbidden']);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets a forbidden policy win whatever purpose id it carries', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allowedIds), principalArb, agreementArb, requestArb, (purpose, principal, agreement, request) => {
        const set: PolicySet = new Map([...policies, [purpose, { ...forbiddenPolicy, id: purpose, rules: [{ id: `${purpose}.no`, description: 'No.' }] }]]);
        const decision = evaluatePolicy(set, { principal, purpose, request, agreement, now: NOW });
        expect(decision.effect).toBe('deny');
        expect(decision.matchedRules).toEqual(['purpose.forbidden', `${purpose}.no`]);
      }),
    );
  });

  it('matches only rules from EVALUATION_RULES or the deciding policy, and allows only with all four grants', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...policies.keys(), 'unknown-purpose'),
        principalArb,
        agreementArb,
        requestArb,
        fc.date({ noInvalidDate: true }),
        (purpose, principal, agreement, request, now) => {
          const decision = evaluatePolicy(policies, { principal, purpose, request, agreement, now });
          const policyRules = new Set(policies.get(purpose)?.rules.map((rule) => rule.id));
          for (const rule of decision.matchedRules) expect(Object.hasOwn(EVALUATION_RULES, rule) || policyRules.has(rule)).toBe(true);
          if (decision.effect === 'allow') {
            expect(decision.matchedRules).toEqual(expect.arrayContaining(['purpose.allowed', 'role.allowed', 'request.within_policy']));
            expect(principal?.kind).toBe('party');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
