import type { Command } from 'commander';
import { SHIPPED_POLICIES_DIR, formatPolicyIssue, inspectPolicies } from '../policy/load-policies.ts';
import { checkFixtureTwins, readPolicyFixtures, runPolicyFixture } from '../policy/policy-fixtures.ts';
import type { Policy, PolicySet } from '../policy/policy.types.ts';

/**
 * Validates every policy in the folder and runs every ALLOW/DENY fixture against the whole set (a
 * fixture may name another purpose, e.g. a forbidden purpose's allowed twin). Returns the number of
 * failures; writes one line per policy and one per failure, each naming its file.
 */
async function checkPolicies(dir: URL | string, write: (line: string) => void): Promise<number> {
  const report = await inspectPolicies(dir);
  let failures = 0;
  for (const issue of report.issues) {
    write(`✗ ${formatPolicyIssue(issue)}`);
    failures += 1;
  }
  const policies: PolicySet = new Map(report.folders.flatMap((folder): Array<[string, Policy]> => (folder.policy ? [[folder.policy.id, folder.policy]] : [])));
  for (const folder of report.folders) {
    if (!folder.policy) {
      write(`✗ ${folder.folder}: policy refused, fixtures not run`);
      for (const issue of folder.issues) write(`  ${formatPolicyIssue(issue)}`);
      failures += folder.issues.length;
      continue;
    }
    const files = await readPolicyFixtures(dir, folder.folder);
    const problems: string[] = checkFixtureTwins(files).map((problem) => `${report.root}/${folder.folder}/${problem}`);
    for (const file of files) {
      if (!file.fixture) {
        problems.push(...file.problems.map((problem) => `${file.file}: ${problem}`));
        continue;
      }
      const outcome = runPolicyFixture(policies, file.expect, file.fixture);
      problems.push(...outcome.failures.map((failure) => `${file.file}: ${failure}`));
    }
    const allow = files.filter((file) => file.expect === 'ALLOW').length;
    const summary = `${folder.policy.id} v${folder.policy.version}: ${allow} allow, ${files.length - allow} deny fixtures`;
    write(`${problems.length === 0 ? '✓' : '✗'} ${summary}`);
    for (const problem of problems) write(`  ${problem}`);
    failures += problems.length;
  }
  return failures;
}

export function registerPoliciesCommand(program: Command): void {
  const policies = program.command('policies').description('purpose policies (policies/<purpose>/)');
  policies
    .command('check')
    .description('validate every policy.yaml and run every ALLOW/DENY request fixture; exits 1 on any failure')
    .option('--dir <dir>', 'the policies folder (default: the policies shipped with the hub)')
    .action(async (options: { dir?: string }) => {
      const failures = await checkPolicies(options.dir ?? SHIPPED_POLICIES_DIR, (line) => process.stdout.write(`${line}\n`));
      if (failures > 0) {
        process.stderr.write(`tradein-hub: policies check found ${failures} problem${failures === 1 ? '' : 's'}\n`);
        process.exitCode = 1;
      }
    });
}
