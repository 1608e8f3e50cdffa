import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Principal } from '../auth/principal.ts';
import { evaluatePolicy, type AgreementState, type PolicyDecision, type PolicyRequest } from './evaluate-policy.ts';
import type { PolicySet } from './policy.types.ts';
import { checkPolicyFixtureSchema } from './policy-validator.ts';

// A request fixture is a test case in Cedar's examples style: the folder it sits in (ALLOW or DENY)
// is the assertion, expectRules names rules that must be among the matched ones. Every DENY is the
// denied twin of an ALLOW: DENY/<name>.json or DENY/<name>--<what differs>.json pairs with
// ALLOW/<name>.json, so a reader sees the smallest change that flips the decision.

export const FIXTURE_FOLDERS = ['ALLOW', 'DENY'] as const;
export type FixtureFolder = (typeof FIXTURE_FOLDERS)[number];

/** The least number of ALLOW and of DENY fixtures each purpose ships. */
export const MIN_FIXTURES_PER_FOLDER = 3;

const TWIN_SEPARATOR = '--';

export interface PolicyFixture {
  description: string;
  principal: Principal | null;
  purpose: string;
  request: PolicyRequest;
  agreement: AgreementState | null;
  /** ISO 8601 UTC instant the request is judged at. */
  now: string;
  expectRules: string[];
}

export interface PolicyFixtureFile {
  /** The purpose folder the fixture sits in. */
  folder: string;
  expect: FixtureFolder;
  /** File name, e.g. `brand-fault-rate-by-model--agreement-expired.json`. */
  name: string;
  /** Display path, e.g. `policies/product-rnd/DENY/brand-fault-rate-by-model--agreement-expired.json`. */
  file: string;
  /** The parsed fixture, or undefined when the file is not valid JSON of the fixture shape. */
  fixture?: PolicyFixture;
  problems: string[];
}

function toPath(dir: URL | string): string {
  return typeof dir === 'string' ? path.resolve(dir) : fileURLToPath(dir);
}

async function jsonFileNames(dirPath: string): Promise<string[]> {
  try {
    return (await fs.readdir(dirPath)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readFixtureFile(dirPath: string, root: string, folder: string, expect: FixtureFolder, name: string): Promise<PolicyFixtureFile> {
  const file = `${root}/${folder}/${expect}/${name}`;
  const base = { folder, expect, name, file };
  let document: unknown;
  try {
    document = JSON.parse(await fs.readFile(path.join(dirPath, folder, expect, name), 'utf8'));
  } catch {
    return { ...base, problems: ['must be a readable JSON file'] };
  }
  const problems = checkPolicyFixtureSchema(document).map((problem) => problem.message);
  return problems.length > 0 ? { ...base, problems } : { ...base, fixture: document as PolicyFixture, problems: [] };
}

/**
 * Reads the fixtures of one purpose folder (`<dir>/<folder>/{ALLOW,DENY}/*.json`) in name order.
 * A missing ALLOW or DENY folder yields no fixtures, which the twin check then reports.
 */
export async function readPolicyFixtures(dir: URL | string, folder: string): Promise<PolicyFixtureFile[]> {
  const dirPath = toPath(dir);
  const root = path.basename(dirPath);
  const files: PolicyFixtureFile[] = [];
  for (const expect of FIXTURE_FOLDERS) {
    for (const name of await jsonFileNames(path.join(dirPath, folder, expect))) {
      files.push(await readFixtureFile(dirPath, root, folder, expect, name));
    }
  }
  return files;
}

/** The ALLOW fixture name a DENY fixture is the twin of. */
export function twinName(denyName: string): string {
  const stem = denyName.replace(/\.json$/, '');
  const cut = stem.indexOf(TWIN_SEPARATOR);
  return `${cut === -1 ? stem : stem.slice(0, cut)}.json`;
}

/**
 * Checks a purpose's fixture set as a whole (pure): at least MIN_FIXTURES_PER_FOLDER on each side,
 * every DENY pairs with an ALLOW of its twin name, every ALLOW has at least one denied twin.
 */
export function checkFixtureTwins(files: readonly PolicyFixtureFile[]): string[] {
  const allow = files.filter((file) => file.expect === 'ALLOW').map((file) => file.name);
  const deny = files.filter((file) => file.expect === 'DENY').map((file) => file.name);
  const problems: string[] = [];
  for (const [side, names] of [
    ['ALLOW', allow],
    ['DENY', deny],
  ] as const) {
    if (names.length < MIN_FIXTURES_PER_FOLDER) problems.push(`${side}/ must hold at least ${MIN_FIXTURES_PER_FOLDER} fixtures (found ${names.length})`);
  }
  const allowSet = new Set(allow);
  const twinned = new Set(deny.map(twinName));
  for (const name of deny) {
    if (!allowSet.has(twinName(name))) problems.push(`DENY/${name} must be the denied twin of ALLOW/${twinName(name)}, which does not exist`);
  }
  for (const name of allow) {
    if (!twinned.has(name)) problems.push(`ALLOW/${name} must have a denied twin in DENY/ (${name} or ${name.replace(/\.json$/, '')}--<what differs>.json)`);
  }
  return problems;
}

const PAST = { allow: 'allowed', deny: 'denied' } as const;

export interface FixtureOutcome {
  passed: boolean;
  decision: PolicyDecision;
  /** Why the fixture failed; empty when it passed. */
  failures: string[];
}

/**
 * Evaluates a fixture against a policy set (pure): it passes when the effect matches its folder and
 * every rule in expectRules is among the matched ones.
 */
export function runPolicyFixture(policies: PolicySet, expect: FixtureFolder, fixture: PolicyFixture): FixtureOutcome {
  const decision = evaluatePolicy(policies, {
    principal: fixture.principal,
    purpose: fixture.purpose,
    request: fixture.request,
    agreement: fixture.agreement,
    now: new Date(fixture.now),
  });
  const expected = expect === 'ALLOW' ? 'allow' : 'deny';
  const matched = decision.matchedRules.join(', ') || 'none';
  const failures: string[] = [];
  const missing = fixture.expectRules.filter((rule) => !decision.matchedRules.includes(rule));
  // A wrong effect says it all; the missing rules would only restate it.
  if (decision.effect !== expected) failures.push(`must be ${PAST[expected]}, was ${PAST[decision.effect]} (matched: ${matched})`);
  else if (missing.length > 0) failures.push(`must match ${missing.join(', ')} (matched: ${matched})`);
  return { passed: failures.length === 0, decision, failures };
}
