import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectRefFor } from '../../adapters/shared/subject-ref.ts';
import { seedDemoConsents } from '../../src/demo/demo-consents.ts';
import { DEMO_USER_ID } from '../../src/demo/demo-documents.ts';
import { demoHistoryDate, seedDemoLedger } from '../../src/demo/demo-ledger.ts';
import { demoExportsDir, demoSendersWithKeys, ensureDemoParties, ensureDemoSubjectKey, seedDemoThroughPush } from '../../src/demo/demo-seed.ts';
import { mintToken } from '../../src/parties/local-key-store.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { readmeExamples, type ReadmeExample } from './readme-examples.ts';

// The README's "Examples by role", run as they stand (bash, curl) against a demo hub seeded the way
// `npm start` seeds it — partners' exports pushed over HTTP, consents, the ledger with its closed month —
// with fewer tickets. The setup block's variables come from this hub (its URL, tokens minted for the demo
// parties); its `PERIOD` and `gql` lines run as written. Each block's answer is checked against the
// `<!-- expect: … -->` comment above it.
const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/tradein-hub.js');
// Enough for the examples' answers to be non-empty under noise and k: the statutory statistics' month ×
// category × province cells need ten trade-ins, the brand's insights rows a noisy count above the release
// threshold (about 54 consenting users per row for three measures).
const TICKETS = Number(process.env.HUB_README_TICKETS ?? 6000);

// Every error type the schema defines (they implement HubError) and the refused-row types: none may appear.
const SCHEMA = fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8');
const ERROR_TYPES = [...SCHEMA.matchAll(/^type (\w+) implements HubError/gm)].map((m) => m[1]!).concat(['SubmissionRejected', 'SubmissionConflict']);

/** The README's commands as run from the repository: `npm run hub --` is the CLI, files are the repository's. */
function asRunHere(block: string): string {
  return block.replaceAll('npm run hub --', `node ${CLI}`).replaceAll(' adapters/', ` ${ROOT}/adapters/`);
}

describe('the README examples by role, against a demo hub', () => {
  const examples = readmeExamples(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  const setup = examples.find((example) => example.setup);
  let hub: TestHub;
  let server: http.Server;
  let env: NodeJS.ProcessEnv;
  let workDir: string;

  beforeAll(async () => {
    hub = await createTestHub();
    server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const keys = await ensureDemoParties(hub.app);
    const subjectKey = await ensureDemoSubjectKey(hub.config.dataDir);
    await seedDemoThroughPush({
      endpoint: `${url}/graphql`, exportsDir: demoExportsDir(hub.config.dataDir), subjectKey, senders: demoSendersWithKeys(keys, hub.config.hubId), tickets: TICKETS,
    });
    const now = new Date();
    const userRef = subjectRefFor(subjectKey, DEMO_USER_ID);
    await seedDemoConsents(hub.app, { exceptSubjectRef: userRef, at: demoHistoryDate(now, 2) });
    await seedDemoLedger(hub.app, now);
    const token = (party: string, subjectRef?: string) =>
      mintToken(keys.get(party)!, { hubId: hub.config.hubId, ...(subjectRef === undefined ? {} : { subjectRef }) });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, HUB: url, HUB_DATA_DIR: hub.config.dataDir,
      PLATFORM_TOKEN: await token('demo-platform'), RECYCLER_TOKEN: await token('demo-recycler'), BRAND_TOKEN: await token('demo-brand'),
      USER_TOKEN: await token('demo-platform', userRef), OPERATOR_TOKEN: await token('operator'), REGULATOR_TOKEN: await token('demo-regulator'),
    };
  }, 900_000);

  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await hub?.close();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('has a setup block and examples for every role, each with its expectations', () => {
    expect(setup?.code).toMatch(/^gql\(\) \{/m);
    const roles = new Set(examples.filter((example) => !example.setup).map((example) => example.role));
    for (const role of ['Platform', 'Recycler', 'Brand', 'User', 'Operator', 'Regulator', 'Anyone']) expect([...roles].some((r) => r.startsWith(role)), role).toBe(true);
    for (const example of examples) expect(example.setup || example.expectations.length > 0, example.title).toBe(true);
  });

  // In README order: later examples build on earlier ones (the recycler inspects the platform's trade-in).
  for (const example of examples.filter((e) => !e.setup)) {
    it(`${example.role}: ${example.title}`, () => run(example), 300_000);
  }

  function run(example: ReadmeExample): void {
    // The setup block's own lines, except the variables this hub provides.
    const setupLines = setup!.code.split('\n').filter((line) => !/^(HUB|\w+_TOKEN)=/.test(line)).join('\n');
    const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', `${setupLines}\n${asRunHere(example.code)}`], { cwd: workDir, env, encoding: 'utf8', timeout: 240_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(result.stdout.trim(), output).not.toBe('');
    // No GraphQL error, no typed error, no refused row.
    expect(result.stdout, output).not.toContain('"errors"');
    for (const type of ERROR_TYPES) expect(result.stdout, output).not.toContain(`"__typename":"${type}"`);
    expect(result.stdout, output).not.toMatch(/"status":"(rejected|conflict)"/);
    for (const expectation of example.expectations) {
      if (expectation.kind === 'pattern') expect(output, example.title).toMatch(expectation.pattern);
      else expect(expectation.typenames.some((name) => result.stdout.includes(`"__typename":"${name}"`)), `${example.title}: ${expectation.typenames.join('|')}\n${output}`).toBe(true);
    }
  }
});
