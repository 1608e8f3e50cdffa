import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../src/cli/tradein-hub.js', import.meta.url));

// The CLI on the embedded database of a scratch data folder: the operator's path on a fresh machine.
describe('tradein-hub command line', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, HUB_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' });
  const hub = (...args: string[]) => run(process.execPath, [CLI, ...args], { env: env() });

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-cli-'));
  });
  afterAll(async () => fs.rm(dataDir, { recursive: true, force: true }));

  it('registers a party and a generated key, lists it, and mints a token signed with it', async () => {
    expect((await hub('parties', 'add', '--id', 'acme-recycling', '--role', 'recycler')).stdout).toContain('registered acme-recycling');
    expect((await hub('keys', 'add', '--party', 'acme-recycling', '--generate', '--alg', 'EdDSA')).stdout).toMatch(/registered key \S+ for acme-recycling/);
    expect((await hub('parties', 'list')).stdout).toMatch(/acme-recycling\s+recycler/);
    const token = (await hub('tokens', 'mint', '--party', 'acme-recycling', '--ttl', '600')).stdout.trim();
    expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'acme-recycling', aud: 'tradein-hub' });
    expect(claims.exp! - claims.iat!).toBe(600);
  }, 120_000);

  it('registers a party in the firm registry, lists it, and refuses a wrong check character without echoing it', async () => {
    await hub('parties', 'add', '--id', 'acme-dismantling', '--role', 'recycler');
    const registered = await hub(
      'parties',
      'firm',
      '--id',
      'acme-dismantling',
      '--capacity',
      'recycler,dismantler',
      '--credit-code',
      '91440300708461136T',
      '--licence',
      'GD-FD-2024-018',
      '--licence-valid-until',
      '2029-03-31',
      '--status',
      'suspended',
    );
    expect(registered.stdout).toBe('registered firm acme-dismantling (recycler, dismantler; suspended)\n');
    expect((await hub('parties', 'firms')).stdout).toMatch(/^acme-dismantling\s+suspended\s+91440300708461136T recycler,dismantler licence until 2029-03-31$/m);
    const refused = hub('parties', 'firm', '--id', 'acme-dismantling', '--capacity', 'recycler', '--credit-code', '91440300708461136U');
    await expect(refused).rejects.toMatchObject({
      code: 1,
      stderr: 'tradein-hub: creditCode must end with the GB 32100-2015 check character of its first 17 characters\n',
    });
  }, 300_000);

  it('verifies the access log chain and the consent projection, signs a checkpoint and verifies against it', async () => {
    const { stdout } = await hub('audit', 'verify');
    expect(stdout).toMatch(/^access log intact: \d+ entries\nconsent ledger intact: \d+ events\nconsents projection matches the ledger: \d+ rows\n$/);
    const file = path.join(dataDir, 'checkpoint.json');
    expect((await hub('audit', 'checkpoint', '--out', file)).stdout).toMatch(
      /^checkpoint access_log: \d+ entries.*\ncheckpoint consent_ledger: \d+ entries.*\nwritten to /,
    );
    const kept = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(kept.checkpoints.map((c: { chain: string }) => c.chain)).toEqual(['access_log', 'consent_ledger']);
    expect(decodeProtectedHeader(kept.checkpoints[0].jws)).toMatchObject({ alg: 'ES256', typ: 'audit-checkpoint+jwt' });
    const verified = await hub('audit', 'verify', '--checkpoint', file);
    expect(verified.stdout).toMatch(/access_log extends the checkpoint of .*\nconsent_ledger extends the checkpoint of /);
    // Its twin: a checkpoint whose signature does not verify fails the run.
    const forged = { ...kept, checkpoints: [{ ...kept.checkpoints[0], jws: `${kept.checkpoints[0].jws.slice(0, -4)}AAAA` }] };
    await fs.writeFile(`${file}.forged`, JSON.stringify(forged));
    await expect(hub('audit', 'verify', '--checkpoint', `${file}.forged`)).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('checkpoint for access_log refused'),
    });
  }, 240_000);

  it('closes an ended month with payouts run (once), refuses one not ended, and verifies the ledger', async () => {
    const first = await hub('payouts', 'run', '--period', '2026-01', '--minimum-fen', '50');
    expect(first.stdout).toMatch(/^period 2026-01 closed\.\n {2}subjects 0, minimum 50 fen\n/);
    expect((await hub('payouts', 'run', '--period', '2026-01')).stdout).toContain('period 2026-01 was already closed; nothing paid now');
    await expect(hub('payouts', 'run', '--period', '2999-01')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('period.not_ended') });
    await expect(hub('payouts', 'run', '--period', '2026-13')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('period must be YYYY-MM') });
    const { stdout } = await hub('ledger', 'verify');
    expect(stdout).toMatch(/ledger clean: 0 journals, 0 lines, 0 contributions, 1 payout runs\n$/);
    // Twelve checks, the two on pointer allocations (src/ledger/ledger-verify.ts) included.
    expect(stdout.match(/^ok /gm)).toHaveLength(12);
  }, 120_000);

  it('rebuilds the analytic store from the base tables and reports no difference when the triggers kept it', async () => {
    const { stdout } = await hub('insights', 'rebuild');
    expect(stdout).toBe(
      'cells: 0 added, 0 changed, 0 removed\nvalue counts: 0 added, 0 changed, 0 removed\nfault counts: 0 added, 0 changed, 0 removed\n' +
        'rollups: 0 added, 0 changed, 0 removed\nrollup value counts: 0 added, 0 changed, 0 removed\nrollup label counts: 0 added, 0 changed, 0 removed\nstore matches the base tables\n',
    );
  }, 120_000);

  it('refuses a bad role with a one-line message and exit code 1 (unauthorised input)', async () => {
    await expect(hub('parties', 'add', '--id', 'x-party', '--role', 'king')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('role must be one of'),
    });
  }, 120_000);

  it('refuses to mint for a party with no local key', async () => {
    await expect(hub('tokens', 'mint', '--party', 'nobody')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no local private key') });
  }, 120_000);
});
