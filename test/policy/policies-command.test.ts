import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../src/cli/tradein-hub.js', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../policies/', import.meta.url));

describe('tradein-hub policies check', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-policies-cli-'));
  });
  afterAll(async () => fs.rm(scratch, { recursive: true, force: true }));

  it('prints one line per shipped policy with its fixture counts and exits 0', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'policies', 'check'], { cwd: os.tmpdir() });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines).toContainEqual(expect.stringMatching(/^✓ product-rnd v3: \d+ allow, \d+ deny fixtures$/));
    expect(lines.every((line) => line.startsWith('✓ '))).toBe(true);
  }, 60_000);

  it('names every failing file and exits 1 (broken split, failing fixture)', async () => {
    const dir = path.join(scratch, 'policies');
    await fs.cp(SHIPPED, dir, { recursive: true });
    const policyFile = path.join(dir, 'product-rnd', 'policy.yaml');
    await fs.writeFile(policyFile, (await fs.readFile(policyFile, 'utf8')).replace('hub: 2000', 'hub: 1900'));
    const fixture = path.join(dir, 'regulatory-statistics', 'ALLOW', 'regulator-trade-ins-by-province.json');
    const parsed = JSON.parse(await fs.readFile(fixture, 'utf8')) as { request: { groupBy: string[] } };
    parsed.request.groupBy.push('model');
    await fs.writeFile(fixture, JSON.stringify(parsed));

    const failure = await run(process.execPath, [CLI, 'policies', 'check', '--dir', dir]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    const { stdout, stderr } = failure as { stdout: string; stderr: string };
    expect(stdout).toContain('policies/product-rnd/policy.yaml: revenueSplitBp must sum to 10000 (got 9900)');
    expect(stdout).toContain('✗ regulatory-statistics v1:');
    expect(stdout).toContain(
      'policies/regulatory-statistics/ALLOW/regulator-trade-ins-by-province.json: must be allowed, was denied (matched: request.dimension_not_allowed)',
    );
    expect(stdout).toContain('✓ recycling-optimization v3:');
    expect(stderr).toMatch(/policies check found \d+ problems/);
  }, 60_000);
});
