import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARTY_ROLES } from '../../src/parties/parties.table.ts';
import { APPROVAL_MODES, LEGAL_BASES, POLICY_DIMENSIONS, POLICY_MEASURES, POLICY_ROLES, POLICY_STATUSES } from '../../src/policy/policy-vocabulary.ts';

const schema = JSON.parse(readFileSync(new URL('../../schema/policy.schema.json', import.meta.url), 'utf8')) as {
  properties: Record<string, { enum?: string[] }>;
  $defs: Record<string, { enum?: string[] }>;
};

describe('policy vocabulary', () => {
  it('lists exactly the dimensions the policy schema allows, in the same order', () => {
    expect(schema.$defs['dimension']?.enum).toEqual([...POLICY_DIMENSIONS]);
  });

  it('lists exactly the measures the policy schema allows, in the same order', () => {
    expect(schema.$defs['measure']?.enum).toEqual([...POLICY_MEASURES]);
  });

  it('admits exactly the party roles the hub registers', () => {
    expect(schema.$defs['role']?.enum).toEqual([...POLICY_ROLES]);
    expect([...POLICY_ROLES]).toEqual([...PARTY_ROLES]);
  });

  it('matches the schema for status, legal basis and approval', () => {
    expect(schema.properties['status']?.enum).toEqual([...POLICY_STATUSES]);
    expect(schema.properties['legalBasis']?.enum).toEqual([...LEGAL_BASES]);
    expect(schema.properties['approval']?.enum).toEqual([...APPROVAL_MODES]);
  });

  it('has no duplicates', () => {
    expect(new Set(POLICY_DIMENSIONS).size).toBe(POLICY_DIMENSIONS.length);
    expect(new Set(POLICY_MEASURES).size).toBe(POLICY_MEASURES.length);
  });
});
