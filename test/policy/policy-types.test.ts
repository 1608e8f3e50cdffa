import { describe, expect, it } from 'vitest';
import type { AllowedPolicy, DifferentialPrivacySettings, ForbiddenPolicy, LocalizedText, PolicyRule, RevenueSplitBp } from '../../src/policy/policy.types.ts';
import { POLICY_SCHEMA } from '../../src/policy/policy-validator.ts';

// The Policy types are declared by hand (see policy.types.ts). These maps are checked by tsc against
// the types — every property, and whether it is optional — and by the tests against the schema, so
// neither can change without the other.
type Presence<T> = { readonly [K in keyof T]-?: undefined extends T[K] ? 'optional' : 'required' };

const ALLOWED: Presence<AllowedPolicy> = {
  id: 'required',
  version: 'required',
  title: 'required',
  description: 'required',
  status: 'required',
  legalBasis: 'required',
  rolesAllowed: 'required',
  dimensions: 'required',
  measures: 'required',
  minGroupSize: 'required',
  differentialPrivacy: 'optional',
  pricePerSubjectFen: 'required',
  revenueSplitBp: 'required',
  agreementTermMonths: 'required',
  approval: 'required',
  custodyLeakageMonths: 'optional',
  rules: 'required',
};
const FORBIDDEN: Presence<ForbiddenPolicy> = {
  id: 'required',
  version: 'required',
  title: 'required',
  description: 'required',
  status: 'required',
  rules: 'required',
};
const LOCALIZED: Presence<LocalizedText> = { zh: 'required', en: 'required' };
const RULE: Presence<PolicyRule> = { id: 'required', description: 'required' };
const DP: Presence<DifferentialPrivacySettings> = {
  epsilonPerQuery: 'required',
  monthlyBudget: 'required',
  recordsPerSubject: 'required',
  selectionDelta: 'required',
  bounds: 'required',
};
const SPLIT: Presence<RevenueSplitBp> = { users: 'required', parties: 'required', hub: 'required' };

interface ObjectSchema {
  properties: Record<string, { default?: unknown } & ObjectSchema>;
  required?: string[];
  then?: { required: string[] };
  $defs: Record<string, ObjectSchema>;
}
const schema = POLICY_SCHEMA as unknown as ObjectSchema;

/** Which properties a loaded value always has: required by the schema, or filled from its default. */
function presence(node: ObjectSchema, required: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(node.properties).map(([name, property]) => [name, required.includes(name) || property.default !== undefined ? 'required' : 'optional']),
  );
}

describe('Policy types', () => {
  const rootRequired = schema.required ?? [];
  const grants = schema.then?.required ?? [];

  it('declare every property of an allowed policy, optional exactly where the schema has neither required nor default', () => {
    expect(presence(schema, [...rootRequired, ...grants])).toEqual(ALLOWED);
  });

  it('declare a forbidden policy as the properties every policy must have', () => {
    expect(Object.fromEntries(rootRequired.map((name) => [name, 'required']))).toEqual(FORBIDDEN);
  });

  it('declare the nested objects as the schema does', () => {
    expect(presence(schema.$defs['localizedText']!, schema.$defs['localizedText']!.required ?? [])).toEqual(LOCALIZED);
    expect(presence(schema.$defs['rule']!, schema.$defs['rule']!.required ?? [])).toEqual(RULE);
    const dp = schema.properties['differentialPrivacy']!;
    expect(presence(dp, dp.required ?? [])).toEqual(DP);
    const split = schema.properties['revenueSplitBp']!;
    expect(presence(split, split.required ?? [])).toEqual(SPLIT);
  });
});
