import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectRefFor } from '../../adapters/shared/subject-ref.ts';
import { seedDemoConsents } from '../../src/demo/demo-consents.ts';
import { DEMO_USER_ID, generateDemoDocuments } from '../../src/demo/demo-documents.ts';
import { demoHistoryDate, seedDemoLedger } from '../../src/demo/demo-ledger.ts';
import { DEMO_SENDERS, ensureDemoParties, ensureDemoSubjectKey } from '../../src/demo/demo-seed.ts';
import type { DocumentKind } from '../../src/documents/document-kinds.ts';
import { mintToken } from '../../src/parties/local-key-store.ts';
import type { PartyRole } from '../../src/parties/parties.table.ts';
import { ingestDocuments } from '../../src/submissions/submissions.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { readmeExamples, type ReadmeExample } from './readme-examples.ts';

// The README's "Examples by role", run as they stand (bash, curl) against a demo hub holding the demo's data
// — its documents, consents, and ledger with the closed month — with fewer tickets. The documents are
// ingested in-process rather than pushed through the partners' exports and adapters as `npm start` does (the
// same documents: test/demo/demo-exports.test.ts holds that the adapters read the exports back to them), which
// would take minutes more. The setup block's variables come from this hub (its URL, tokens minted for the demo
// parties); its `PERIOD` and `gql` lines run as written. Each block's answer is checked against the
// `<!-- expect: … -->` comment above it.
const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/tradein-hub.js');
// Enough for the examples' answers to be non-empty under noise: the brand's insights rows need a noisy count
// above the release threshold (about 54 consenting users per row for three measures), the closed month's
// study a consenting phone owner over it. (The statutory cells, month × category × province, are mostly
// below k at this size: the example expects rows or withheld cells.)
const TICKETS = Number(process.env.HUB_README_TICKETS ?? 1500);

// Every error type the schema defines (they implement HubError) and the refused-row types: none may appear.
const SCHEMA = fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8');
const ERROR_TYPES = [...SCHEMA.matchAll(/^type (\w+) implements HubError/gm)].map((m) => m[1]!).concat(['SubmissionRejected', 'SubmissionConflict']);

/** The README's commands as run from the repository: `npm run hub --` is the CLI, files are the repository's. */
function asRunHere(block: string): string {
  return block.replaceAll('npm run hub --', `node ${CLI}`).replaceAll(' adapters/', ` ${ROOT}/adapters/`);
}

/** The demo's documents, each from its demo party, 1,000 a batch; every device handed to the demo recycler. */
async function seedDemoDocuments(hub: TestHub, subjectKey: Uint8Array): Promise<void> {
  const documents = generateDemoDocuments({ tickets: TICKETS, platform: DEMO_SENDERS.platform, subjectKey });
  // The trade-ins as the demo sends them: tradein.v2, with the new purchase's prices the regulator's report sums.
  const batches: [string, PartyRole, DocumentKind, readonly unknown[], number][] = [
    [DEMO_SENDERS.brand, 'brand', 'catalogue', documents.catalogue, 1],
    [
      DEMO_SENDERS.platform,
      'platform',
      'tradein',
      documents.tradeIns.map((tradeIn) => ({ ...tradeIn, recycler: DEMO_SENDERS.recycler })),
      documents.tradeInVersion,
    ],
    [DEMO_SENDERS.recycler, 'recycler', 'inspection', documents.inspections, 1],
    [DEMO_SENDERS.recycler, 'recycler', 'disposition', documents.dispositions, 1],
  ];
  for (const [partyId, role, kind, all, version] of batches) {
    for (let i = 0; i < all.length; i += 1000) {
      // In the party's own session, as its requests run (custody reads who the caller is from it).
      const context = { db: hub.app.sessionFor({ kind: 'party', partyId, role }), secret: hub.app.secret, now: () => new Date() };
      const results = await ingestDocuments(context, { partyId, role }, kind, all.slice(i, i + 1000), 'graphql', version);
      const refused = results.filter((result) => result.status !== 'accepted');
      if (refused.length > 0) throw new Error(`the demo's ${kind} documents were refused: ${JSON.stringify(refused.slice(0, 3))}`);
    }
  }
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
    await seedDemoDocuments(hub, subjectKey);
    const now = new Date();
    const userRef = subjectRefFor(subjectKey, DEMO_USER_ID);
    await seedDemoConsents(hub.app, { exceptSubjectRef: userRef, at: demoHistoryDate(now, 2) });
    await seedDemoLedger(hub.app, now);
    const token = (party: string, subjectRef?: string) =>
      mintToken(keys.get(party)!, { hubId: hub.config.hubId, ...(subjectRef === undefined ? {} : { subjectRef }) });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HUB: url,
      HUB_DATA_DIR: hub.config.dataDir,
      PLATFORM_TOKEN: await token('demo-platform'),
      RECYCLER_TOKEN: await token('demo-recycler'),
      BRAND_TOKEN: await token('demo-brand'),
      USER_TOKEN: await token('demo-platform', userRef),
      OPERATOR_TOKEN: await token('operator'),
      REGULATOR_TOKEN: await token('demo-regulator'),
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
    for (const role of ['Platform', 'Recycler', 'Brand', 'User', 'Operator', 'Regulator', 'Anyone'])
      expect(
        [...roles].some((r) => r.startsWith(role)),
        role,
      ).toBe(true);
    for (const example of examples) expect(example.setup || example.expectations.length > 0, example.title).toBe(true);
  });

  // In README order: later examples build on earlier ones (the recycler inspects the platform's trade-in).
  for (const example of examples.filter((e) => !e.setup)) {
    it(`${example.role}: ${example.title}`, () => run(example), 300_000);
  }

  async function run(example: ReadmeExample): Promise<void> {
    // The setup block's own lines, except the variables this hub provides.
    const setupLines = setup!.code
      .split('\n')
      .filter((line) => !/^(HUB|\w+_TOKEN)=/.test(line))
      .join('\n');
    // Asynchronously: the hub answering the example runs in this process, so a synchronous spawn would starve it.
    const result = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-e', '-o', 'pipefail', '-c', `${setupLines}\n${asRunHere(example.code)}`],
        { cwd: workDir, env, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 },
        (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(result.stdout.trim(), output).not.toBe('');
    // No GraphQL error, no typed error, no refused row.
    expect(result.stdout, output).not.toContain('"errors"');
    for (const type of ERROR_TYPES) expect(result.stdout, output).not.toContain(`"__typename":"${type}"`);
    expect(result.stdout, output).not.toMatch(/"status":"(rejected|conflict)"/);
    for (const expectation of example.expectations) {
      if (expectation.kind === 'pattern') expect(output, example.title).toMatch(expectation.pattern);
      else
        expect(
          expectation.typenames.some((name) => result.stdout.includes(`"__typename":"${name}"`)),
          `${example.title}: ${expectation.typenames.join('|')}\n${output}`,
        ).toBe(true);
    }
  }
});
