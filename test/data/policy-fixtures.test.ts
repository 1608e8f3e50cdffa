import { describe, expect, it } from 'vitest';
import { SHIPPED_POLICIES_DIR, loadPolicies } from '../../src/policy/load-policies.ts';
import { checkFixtureTwins, readPolicyFixtures, runPolicyFixture } from '../../src/policy/policy-fixtures.ts';

// One runner for every policies/<purpose>/{ALLOW,DENY}/*.json, in Cedar's examples style: the folder
// is the assertion, so adding a case is adding a file. A fixture may name another purpose than its
// folder's (a forbidden purpose's ALLOW twins ask an allowed one), so each runs against the whole set.

const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
const purposes = [...policies.keys()];
const fixturesByPurpose = new Map(
  await Promise.all(purposes.map(async (purpose) => [purpose, await readPolicyFixtures(SHIPPED_POLICIES_DIR, purpose)] as const)),
);

for (const purpose of purposes) {
  const files = fixturesByPurpose.get(purpose) ?? [];

  describe(`policies/${purpose} fixtures`, () => {
    it('has at least 3 ALLOW and 3 DENY fixtures, every DENY the denied twin of an ALLOW', () => {
      expect(checkFixtureTwins(files)).toEqual([]);
    });

    for (const file of files) {
      it(`${file.expect === 'ALLOW' ? 'allows' : 'denies'} ${file.expect}/${file.name}: ${file.fixture?.description ?? '(unreadable)'}`, () => {
        expect(file.problems).toEqual([]);
        const outcome = runPolicyFixture(policies, file.expect, file.fixture!);
        expect(outcome.failures).toEqual([]);
        expect(outcome.decision.effect).toBe(file.expect === 'ALLOW' ? 'allow' : 'deny');
        expect(outcome.decision.matchedRules).toEqual(expect.arrayContaining(file.fixture!.expectRules));
      });
    }
  });
}
