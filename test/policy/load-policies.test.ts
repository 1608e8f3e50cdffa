import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PolicyLoadError, SHIPPED_POLICIES_DIR, inspectPolicies, loadPolicies } from '../../src/policy/load-policies.ts';
import { FORBIDDEN_PURPOSES } from '../../src/policy/policy-vocabulary.ts';

const SHIPPED = fileURLToPath(SHIPPED_POLICIES_DIR);
const scratchDirs: string[] = [];

/** A copy of the shipped policies in a scratch folder named `policies`, one file edited. */
async function brokenCopy(purpose: string, edit: (policy: Record<string, unknown>) => void): Promise<string> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-policies-'));
  scratchDirs.push(scratch);
  const dir = path.join(scratch, 'policies');
  await fs.cp(SHIPPED, dir, { recursive: true });
  const file = path.join(dir, purpose, 'policy.yaml');
  const policy = parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  edit(policy);
  await fs.writeFile(file, stringify(policy));
  return dir;
}

async function loadError(dir: string): Promise<PolicyLoadError> {
  const error = await loadPolicies(dir).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PolicyLoadError);
  return error as PolicyLoadError;
}

afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe('loadPolicies', () => {
  it('loads the shipped policies, keyed by purpose in id order', async () => {
    const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
    expect([...policies.keys()]).toEqual([
      'individual-profiling',
      'precise-recommendation',
      'product-rnd',
      're-identification',
      'recycling-optimization',
      'regulatory-statistics',
      'resale',
    ]);
    for (const purpose of FORBIDDEN_PURPOSES) expect(policies.get(purpose)?.status).toBe('forbidden');
    expect(policies.get('regulatory-statistics')).toMatchObject({
      legalBasis: 'statutory',
      rolesAllowed: ['regulator'],
      pricePerSubjectFen: 0,
      minGroupSize: 5,
      approval: 'automatic',
    });
    expect(policies.get('recycling-optimization')).toMatchObject({
      differentialPrivacy: { epsilonPerQuery: 1, monthlyBudget: 100, recordsPerSubject: 1 },
      minGroupSize: 10,
      approval: 'automatic',
    });
    for (const purpose of ['precise-recommendation', 'product-rnd', 'recycling-optimization'])
      expect(policies.get(purpose), purpose).toHaveProperty('differentialPrivacy');
    expect(policies.get('product-rnd')).toMatchObject({ minGroupSize: 10, approval: 'operator' });
    expect(policies.get('precise-recommendation')).toMatchObject({ minGroupSize: 20, rolesAllowed: ['brand'] });
  });

  it('accepts a path string as well as a URL, and returns frozen policies', async () => {
    const policies = await loadPolicies(SHIPPED);
    const policy = policies.get('product-rnd');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(policy?.status === 'allowed' && Object.isFrozen(policy.dimensions)).toBe(true);
  });

  it('fills in the default agreement term of 12 months when a file omits it', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      delete policy['agreementTermMonths'];
    });
    const policy = (await loadPolicies(dir)).get('product-rnd');
    expect(policy?.status === 'allowed' && policy.agreementTermMonths).toBe(12);
  });

  it('refuses a revenue split that does not sum to 10000, naming the file and the rule', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      policy['revenueSplitBp'] = { users: 5000, parties: 3000, hub: 1900 };
    });
    const error = await loadError(dir);
    expect(error.message).toBe('policies/product-rnd/policy.yaml: revenueSplitBp must sum to 10000 (got 9900)');
    expect(error.issues).toEqual([
      { file: 'policies/product-rnd/policy.yaml', code: 'policy.split_sum', message: 'revenueSplitBp must sum to 10000 (got 9900)' },
    ]);
  });

  it('refuses an id that differs from its folder name', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      policy['id'] = 'product-research';
    });
    expect((await loadError(dir)).message).toContain('policies/product-rnd/policy.yaml: id must equal the folder name (product-rnd)');
  });

  it('refuses a dimension outside the closed list', async () => {
    const dir = await brokenCopy('precise-recommendation', (policy) => {
      policy['dimensions'] = ['category', 'model', 'imei'];
    });
    const error = await loadError(dir);
    expect(error.issues).toEqual([expect.objectContaining({ file: 'policies/precise-recommendation/policy.yaml', code: 'schema.enum' })]);
    expect(error.message).toMatch(/^policies\/precise-recommendation\/policy\.yaml: \/dimensions\/2 must be one of category, brand, model, /);
    expect(error.message).not.toContain('imei');
  });

  it('refuses a property the schema does not define', async () => {
    const dir = await brokenCopy('recycling-optimization', (policy) => {
      policy['pricePerRecordFen'] = 2;
    });
    expect((await loadError(dir)).message).toBe(
      'policies/recycling-optimization/policy.yaml: /pricePerRecordFen must not be present: the schema does not define this property',
    );
  });

  it('refuses a forbidden policy that grants anything', async () => {
    const dir = await brokenCopy('resale', (policy) => {
      policy['rolesAllowed'] = ['brand'];
      policy['measures'] = ['count'];
    });
    const error = await loadError(dir);
    expect(error.message).toBe('policies/resale/policy.yaml: a forbidden policy must not grant anything (found rolesAllowed, measures)');
    expect(error.issues[0]?.code).toBe('policy.forbidden_grants');
  });

  it('refuses to allow a purpose the hub never serves', async () => {
    const allowed = parse(await fs.readFile(path.join(SHIPPED, 'product-rnd', 'policy.yaml'), 'utf8')) as Record<string, unknown>;
    const dir = await brokenCopy('resale', (policy) => {
      Object.assign(policy, { ...allowed, id: 'resale', rules: [{ id: 'resale.now_allowed', description: 'Resale is fine now.' }] });
    });
    expect((await loadError(dir)).issues).toEqual([expect.objectContaining({ file: 'policies/resale/policy.yaml', code: 'policy.forbidden_purpose' })]);
  });

  it('refuses a statutory policy with a price', async () => {
    const dir = await brokenCopy('regulatory-statistics', (policy) => {
      policy['pricePerSubjectFen'] = 1;
    });
    expect((await loadError(dir)).message).toBe('policies/regulatory-statistics/policy.yaml: pricePerSubjectFen must be 0 for a statutory policy');
  });

  it('refuses a monthly privacy budget smaller than one query', async () => {
    const dir = await brokenCopy('recycling-optimization', (policy) => {
      policy['differentialPrivacy'] = { ...(policy['differentialPrivacy'] as object), epsilonPerQuery: 0.5, monthlyBudget: 0.25 };
    });
    expect((await loadError(dir)).message).toBe(
      'policies/recycling-optimization/policy.yaml: differentialPrivacy.monthlyBudget must be at least epsilonPerQuery',
    );
  });

  it('refuses a differential-privacy clamp whose max is not above its min, and an ε finer than the noise can draw', async () => {
    const dir = await brokenCopy('recycling-optimization', (policy) => {
      const dp = policy['differentialPrivacy'] as { bounds: Record<string, unknown> };
      policy['differentialPrivacy'] = { ...dp, epsilonPerQuery: 0.0000005, bounds: { ...dp.bounds, co2eKg: { min: 400, max: 400 } } };
    });
    expect((await loadError(dir)).issues.map((issue) => issue.code).sort()).toEqual(['policy.dp_bound', 'policy.dp_epsilon']);
  });

  it('refuses an allowed policy without its grants', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      delete policy['minGroupSize'];
    });
    expect((await loadError(dir)).message).toBe('policies/product-rnd/policy.yaml: /minGroupSize must be present when status is allowed');
  });

  it('refuses rule ids that do not start with the policy id or repeat', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      policy['rules'] = [
        { id: 'product-rnd.one', description: 'One.' },
        { id: 'resale.one', description: 'Borrowed.' },
        { id: 'product-rnd.one', description: 'Again.' },
      ];
    });
    expect((await loadError(dir)).message).toBe(
      [
        'policies/product-rnd/policy.yaml: /rules/1/id must start with the policy id (product-rnd.)',
        'policies/product-rnd/policy.yaml: /rules/2/id must be unique within the policy',
      ].join('\n'),
    );
  });

  it('reports every broken file at once, and refuses the whole set', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      policy['version'] = 0;
    });
    await fs.writeFile(path.join(dir, 'resale', 'policy.yaml'), 'id: resale\n  status: [');
    const error = await loadError(dir);
    expect(error.issues.map((issue) => [issue.file, issue.code])).toEqual([
      ['policies/product-rnd/policy.yaml', 'schema.minimum'],
      ['policies/resale/policy.yaml', 'policy.yaml_invalid'],
    ]);
  });

  it('refuses a folder without policy.yaml, and a missing or empty directory', async () => {
    const dir = await brokenCopy('product-rnd', () => undefined);
    await fs.rm(path.join(dir, 'product-rnd', 'policy.yaml'));
    expect((await loadError(dir)).message).toBe('policies/product-rnd/policy.yaml: must exist: every policy folder holds a policy.yaml');

    const empty = path.join(path.dirname(dir), 'empty');
    await fs.mkdir(empty);
    expect((await loadError(empty)).issues).toEqual([expect.objectContaining({ code: 'policy.none' })]);
    expect((await loadError(path.join(empty, 'nowhere'))).issues).toEqual([expect.objectContaining({ code: 'policy.unreadable' })]);
  });
});

describe('inspectPolicies', () => {
  it('keeps the valid policies beside the refused ones, for the CLI to report both', async () => {
    const dir = await brokenCopy('product-rnd', (policy) => {
      policy['minGroupSize'] = 1;
    });
    const report = await inspectPolicies(dir);
    const refused = report.folders.filter((folder) => folder.policy === undefined).map((folder) => folder.folder);
    expect(refused).toEqual(['product-rnd']);
    expect(report.folders).toHaveLength(7);
  });
});
