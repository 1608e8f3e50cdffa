import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { EVALUATION_RULES } from './evaluate-policy.ts';
import type { AllowedPolicy, Policy, PolicySet } from './policy.types.ts';
import { POLICY_SCHEMA, checkPolicySchema } from './policy-validator.ts';
import { FORBIDDEN_PURPOSES } from './policy-vocabulary.ts';
import { projectFile } from '../project-root.ts';

/** The policies shipped with the hub: the repository's `policies/` folder. */
export const SHIPPED_POLICIES_DIR = projectFile('policies/');

/** The file each purpose folder must hold. */
export const POLICY_FILE_NAME = 'policy.yaml';

/** Why a policy file was refused; `schema.<ajv keyword>` for schema failures. */
export type PolicyIssueCode =
  | 'policy.none'
  | 'policy.unreadable'
  | 'policy.yaml_invalid'
  | 'policy.id_mismatch'
  | 'policy.split_sum'
  | 'policy.statutory_price'
  | 'policy.dp_budget'
  | 'policy.dp_epsilon'
  | 'policy.dp_bound'
  | 'policy.forbidden_grants'
  | 'policy.forbidden_purpose'
  | 'policy.rule_id'
  | `schema.${string}`;

export interface PolicyIssue {
  /** The file as `<policies folder name>/<purpose>/policy.yaml`, e.g. `policies/product-rnd/policy.yaml`. */
  file: string;
  code: PolicyIssueCode;
  /** Lowercase "must …" sentence naming the property, without the file. */
  message: string;
}

/** `<file>: <message>`, the form printed by the CLI and carried by PolicyLoadError. */
export function formatPolicyIssue(issue: PolicyIssue): string {
  return `${issue.file}: ${issue.message}`;
}

/**
 * Thrown when the policy folder cannot be loaded as a whole. The hub refuses to start on it rather
 * than serve with a policy missing (a missing policy would deny, but a half-read one might not).
 */
export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
  readonly code = 'policy_invalid' as const;

  constructor(readonly issues: readonly PolicyIssue[]) {
    super(issues.map(formatPolicyIssue).join('\n'));
  }
}

export interface PolicyFolderReport {
  /** The folder name, which is the purpose id a valid policy must carry. */
  folder: string;
  /** The display path of its policy file. */
  file: string;
  /** The loaded policy, or undefined when the file was refused (see `issues`). */
  policy?: Policy;
  issues: readonly PolicyIssue[];
}

export interface PolicyDirectoryReport {
  /** The folder's display name (its base name), the prefix of every file path in the report. */
  root: string;
  folders: readonly PolicyFolderReport[];
  /** Problems with the directory itself (missing, empty). */
  issues: readonly PolicyIssue[];
}

// The properties that grant something; a forbidden policy must carry none of them.
const GRANT_PROPERTIES = [
  'legalBasis',
  'rolesAllowed',
  'dimensions',
  'measures',
  'minGroupSize',
  'differentialPrivacy',
  'pricePerSubjectFen',
  'revenueSplitBp',
  'agreementTermMonths',
  'approval',
  'custodyLeakageMonths',
] as const;

const TOTAL_BP = 10_000;
const FORBIDDEN_PURPOSE_IDS: ReadonlySet<string> = new Set(FORBIDDEN_PURPOSES);
const DEFAULT_AGREEMENT_TERM_MONTHS = readAgreementTermDefault();

function readAgreementTermDefault(): number {
  const properties = POLICY_SCHEMA['properties'] as Readonly<Record<string, { readonly default?: unknown }>>;
  const value = properties['agreementTermMonths']?.default;
  if (typeof value !== 'number') throw new Error('schema/policy.schema.json must give agreementTermMonths a default');
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** An issue before it is tied to a file. */
export type PolicyProblem = Omit<PolicyIssue, 'file'>;
type Problem = PolicyProblem;

/** Checks on a schema-valid policy that a JSON Schema cannot express. */
function checkBeyondSchema(policy: Record<string, unknown> & Policy, folder: string): Problem[] {
  const problems: Problem[] = [];
  if (policy.id !== folder) {
    problems.push({ code: 'policy.id_mismatch', message: `id must equal the folder name (${folder})` });
  }
  if (policy.status === 'forbidden') {
    const grants = GRANT_PROPERTIES.filter((name) => Object.hasOwn(policy, name));
    if (grants.length > 0) {
      problems.push({ code: 'policy.forbidden_grants', message: `a forbidden policy must not grant anything (found ${grants.join(', ')})` });
    }
  } else {
    if (FORBIDDEN_PURPOSE_IDS.has(policy.id)) {
      problems.push({ code: 'policy.forbidden_purpose', message: `status must be forbidden: the hub never serves ${policy.id}` });
    }
    const { users, parties, hub } = policy.revenueSplitBp;
    const sum = users + parties + hub;
    if (sum !== TOTAL_BP) {
      problems.push({ code: 'policy.split_sum', message: `revenueSplitBp must sum to ${TOTAL_BP} (got ${sum})` });
    }
    if (policy.legalBasis === 'statutory' && policy.pricePerSubjectFen !== 0) {
      problems.push({ code: 'policy.statutory_price', message: 'pricePerSubjectFen must be 0 for a statutory policy' });
    }
    const dp = policy.differentialPrivacy;
    if (dp && dp.monthlyBudget < dp.epsilonPerQuery) {
      problems.push({ code: 'policy.dp_budget', message: 'differentialPrivacy.monthlyBudget must be at least epsilonPerQuery' });
    }
    if (dp && Math.round(dp.epsilonPerQuery * 1_000_000) !== dp.epsilonPerQuery * 1_000_000) {
      problems.push({
        code: 'policy.dp_epsilon',
        message: 'differentialPrivacy.epsilonPerQuery must have at most six decimals (noise is drawn at an exact ratio)',
      });
    }
    for (const [input, bound] of Object.entries(dp?.bounds ?? {})) {
      if (typeof bound === 'object' && bound.max <= bound.min) {
        problems.push({ code: 'policy.dp_bound', message: `differentialPrivacy.bounds.${input}.max must be above its min` });
      }
    }
  }
  const seen = new Set<string>();
  policy.rules.forEach((rule, index) => {
    if (!rule.id.startsWith(`${policy.id}.`)) {
      problems.push({ code: 'policy.rule_id', message: `/rules/${index}/id must start with the policy id (${policy.id}.)` });
    } else if (Object.hasOwn(EVALUATION_RULES, rule.id)) {
      problems.push({ code: 'policy.rule_id', message: `/rules/${index}/id must not reuse an evaluation rule id` });
    } else if (seen.has(rule.id)) {
      problems.push({ code: 'policy.rule_id', message: `/rules/${index}/id must be unique within the policy` });
    }
    seen.add(rule.id);
  });
  return problems;
}

/**
 * Checks one parsed `policy.yaml` (pure): the schema first, then what the schema cannot express. On
 * success returns the policy with defaults applied (agreementTermMonths), deeply frozen.
 */
export function checkPolicyDocument(document: unknown, folder: string): { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] } {
  const schemaProblems = checkPolicySchema(document);
  if (schemaProblems.length > 0) return { ok: false, problems: schemaProblems };
  const candidate = document as Record<string, unknown> & Policy;
  const problems = checkBeyondSchema(candidate, folder);
  if (problems.length > 0) return { ok: false, problems };
  const policy: Policy =
    candidate.status === 'allowed'
      ? ({ ...candidate, agreementTermMonths: candidate.agreementTermMonths ?? DEFAULT_AGREEMENT_TERM_MONTHS } satisfies AllowedPolicy)
      : candidate;
  return { ok: true, policy: deepFreeze(structuredClone(policy)) };
}

function toPath(dir: URL | string): string {
  return typeof dir === 'string' ? path.resolve(dir) : fileURLToPath(dir);
}

async function readPolicyFolder(dirPath: string, root: string, folder: string): Promise<PolicyFolderReport> {
  const file = `${root}/${folder}/${POLICY_FILE_NAME}`;
  const issue = (problem: Problem): PolicyIssue => ({ file, ...problem });
  let text: string;
  try {
    text = await fs.readFile(path.join(dirPath, folder, POLICY_FILE_NAME), 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      folder,
      file,
      issues: [issue({ code: 'policy.unreadable', message: missing ? 'must exist: every policy folder holds a policy.yaml' : 'must be readable' })],
    };
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    // The position only: the YAML parser's message quotes the offending text.
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    return { folder, file, issues: [issue({ code: 'policy.yaml_invalid', message: `must be valid YAML${where}` })] };
  }
  const checked = checkPolicyDocument(document, folder);
  return checked.ok ? { folder, file, policy: checked.policy, issues: [] } : { folder, file, issues: checked.problems.map(issue) };
}

/**
 * Reads every `<dir>/<purpose>/policy.yaml` and reports each folder's policy or its issues, without
 * throwing for a bad policy (the CLI shows them all). Folders whose name starts with a dot are
 * skipped; plain files beside the folders (a README) are ignored. Throws only for I/O errors other
 * than a missing file.
 */
export async function inspectPolicies(dir: URL | string): Promise<PolicyDirectoryReport> {
  const dirPath = toPath(dir);
  const root = path.basename(dirPath);
  let entries: string[];
  try {
    entries = (await fs.readdir(dirPath, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { root, folders: [], issues: [{ file: root, code: 'policy.unreadable', message: 'must be an existing directory of policies' }] };
  }
  if (entries.length === 0) {
    return { root, folders: [], issues: [{ file: root, code: 'policy.none', message: 'must hold at least one policy folder' }] };
  }
  const folders = await Promise.all(entries.map((folder) => readPolicyFolder(dirPath, root, folder)));
  return { root, folders, issues: [] };
}

/** The issues of a report, directory-level first, then by folder. */
export function policyReportIssues(report: PolicyDirectoryReport): PolicyIssue[] {
  return [...report.issues, ...report.folders.flatMap((folder) => folder.issues)];
}

/**
 * Loads the policy set from `dir` (a folder of `<purpose>/policy.yaml`). Every file is validated
 * against `schema/policy.schema.json` and the checks a schema cannot express: id equals the folder
 * name, revenueSplitBp sums to 10 000, statutory policies have price 0, monthlyBudget ≥
 * epsilonPerQuery, forbidden policies grant nothing, the purposes in FORBIDDEN_PURPOSES are
 * forbidden, rule ids start with the policy id and are unique.
 *
 * All or nothing: any issue in any file throws PolicyLoadError listing every issue as
 * `<file>: <rule>`, e.g. `policies/product-rnd/policy.yaml: revenueSplitBp must sum to 10000 (got 9900)`;
 * so does a missing or empty directory. The result is keyed by purpose id in id order, deeply frozen.
 */
export async function loadPolicies(dir: URL | string): Promise<PolicySet> {
  const report = await inspectPolicies(dir);
  const issues = policyReportIssues(report);
  if (issues.length > 0) throw new PolicyLoadError(issues);
  const policies = new Map<string, Policy>();
  for (const folder of report.folders) if (folder.policy) policies.set(folder.policy.id, folder.policy);
  return policies;
}
