import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import { parse, stringify } from 'yaml';
import { SHIPPED_POLICIES_DIR } from '../../src/policy/load-policies.ts';
import { HubProcess, prepareHub, runHubCli, type HubSetup } from '../faults/hub-fixture.ts';
import { spareLoopbackPort } from '../faults/private-postgres.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { accessLogCount, checkLoadConsistency, settleConsentInFlight, waitForQuietDatabase, type LoadConsistency } from './load-consistency.ts';
import {
  consentOperation,
  ingestOperation,
  insightsOperation,
  meOperation,
  type ConsentLedger,
  type IngestLedger,
  type LoadOperation,
} from './load-operations.ts';
import { LOAD_BRAND, LOAD_MODELS, LOAD_PARTIES, LOAD_PLATFORM, letters, seedLoadData } from './load-seed.ts';

/**
 * The shipped policies with product-rnd answered as good as exactly: the load measures the hub under
 * concurrency and checks every answer against the database, which needs the same rows of every model each
 * time; with the shipped ε, 40 consenting users per model stay below the noisy release threshold and a
 * month's budget runs out within the run. Production hubs refuse noise off, and the analytic store needs
 * the policy's contribution bound, so the load hub keeps the differentialPrivacy block with an ε so large
 * that the discrete noise is zero in practice (its scale is 1/ε) and a budget the run cannot spend.
 */
async function exactProductRndPolicies(workDir: string): Promise<string> {
  const dir = path.join(workDir, 'policies');
  await fs.cp(SHIPPED_POLICIES_DIR, dir, { recursive: true });
  const file = path.join(dir, 'product-rnd', 'policy.yaml');
  const policy = parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  const dp = policy['differentialPrivacy'] as Record<string, unknown>;
  // ε 100 (50 per statistic: a non-zero draw once in 10²¹) and a budget of 9,990 such queries, which fits
  // the budget ledger's numeric(12, 6).
  policy['differentialPrivacy'] = { ...dp, epsilonPerQuery: 100, monthlyBudget: 999_000 };
  policy['rules'] = (policy['rules'] as { id: string }[]).filter((rule) => rule.id !== 'product-rnd.noisy_answers');
  await fs.writeFile(file, stringify(policy));
  return dir;
}

export interface LoadOptions {
  /** Seconds each phase runs. */
  seconds: number;
  /** One phase per entry: how many hub processes share the load (all on the same database). */
  phases: readonly number[];
  /** Connections per operation (each a multiple of the largest phase's hub count). */
  connections?: { ingest: number; insights: number; consent: number; me: number };
  /** Trade-ins per ingest request. */
  ingestBatch?: number;
  log?: (line: string) => void;
}

export interface OperationFigures {
  name: string;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** non-2xx answers, connection errors, timeouts, and 2xx answers with a wrong body: all must be 0. */
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  wrongBodies: number;
  wrongBodySamples: string[];
}

export interface PhaseFigures {
  hubs: number;
  seconds: number;
  operations: OperationFigures[];
  /** Errors the hub processes logged during the phase (level error or fatal). */
  hubLogErrors: number;
  /** GraphQL requests each hub process answered with 200 during the phase (its /metrics), in hub order. */
  graphqlRequestsPerHub: number[];
  consistency: LoadConsistency;
}

export interface LoadFigures {
  database: string;
  seededTradeIns: number;
  consentingPerModel: number;
  phases: PhaseFigures[];
  /** `tradein-hub audit verify` after the load: the access log's and every consent ledger's hash chains are intact. */
  auditVerify: { code: number | null; output: string };
}

const DEFAULT_CONNECTIONS = { ingest: 2, insights: 2, consent: 4, me: 2 };
const SUBJECTS_PER_MODEL = 60;
const CONSENTING_PER_MODEL = 40;
const K = 10;

/** The GraphQL requests a hub has answered with 200 so far, from its Prometheus /metrics. */
async function graphqlRequestsServed(hub: HubProcess): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tradein_hub_http_requests_total{') && l.includes('route="/graphql"') && l.includes('status="200"'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/** Lines at pino level error (50) or fatal (60) in `file` after byte `from`. */
async function errorLinesSince(file: string, from: number): Promise<{ count: number; size: number }> {
  const text = await fs.readFile(file, 'utf8');
  const tail = text.slice(from);
  return { count: tail.split('\n').filter((line) => /"level":(50|60)\b/.test(line)).length, size: text.length };
}

function figuresOf(operation: LoadOperation, result: Result): OperationFigures {
  return {
    name: operation.name,
    connections: operation.connections,
    requests: result.requests.total,
    requestsPerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    connectionErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    wrongBodies: operation.tally.wrongBodies,
    wrongBodySamples: operation.tally.samples,
  };
}

/** Every error a phase's figures admit to (none, for a phase that passed). */
export function loadProblems(figures: LoadFigures): string[] {
  const problems: string[] = [];
  for (const phase of figures.phases) {
    for (const op of phase.operations) {
      const errors = op.non2xx + op.connectionErrors + op.timeouts + op.wrongBodies;
      if (errors > 0)
        problems.push(
          `${phase.hubs} hub(s), ${op.name}: ${errors} errors (${op.non2xx} non-2xx, ${op.connectionErrors} connection, ${op.timeouts} timeouts, ${op.wrongBodies} wrong bodies) ${op.wrongBodySamples.join(' | ')}`,
        );
      if (op.requests === 0) problems.push(`${phase.hubs} hub(s), ${op.name}: no request completed`);
    }
    if (phase.graphqlRequestsPerHub.slice(0, phase.hubs).some((n) => n === 0))
      problems.push(`${phase.hubs} hub(s): a hub served no request (${phase.graphqlRequestsPerHub.join(', ')})`);
    if (phase.hubLogErrors > 0) problems.push(`${phase.hubs} hub(s): the hubs logged ${phase.hubLogErrors} errors`);
    const c = phase.consistency;
    for (const key of [
      'ingestLost',
      'ingestDuplicated',
      'ingestUnexplained',
      'consentStateMismatches',
      'consentEventMismatches',
      'accessLogMismatch',
    ] as const) {
      if (c[key] !== 0) problems.push(`${phase.hubs} hub(s): ${key} = ${c[key]}`);
    }
  }
  if (figures.auditVerify.code !== 0) problems.push(`audit verify failed: ${figures.auditVerify.output}`);
  return problems;
}

/**
 * A bounded mixed load on loopback against real `tradein-hub serve` processes on one fresh PostgreSQL
 * database of the bench server (BENCH_DATABASE_URL), created for the run and dropped after it: ingest,
 * insights, consent changes and `me`, each driven by its own autocannon instance (so latencies are per
 * operation), all at once. One phase per entry of `phases`, each split over that many hub processes.
 * Afterwards the database is compared with what the load generator was answered.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const log = options.log ?? (() => {});
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  const hubCount = Math.max(...options.phases);
  const run = letters(randomBytes(4).readUInt32BE() % 26 ** 5, 5);
  const database = `tradein_load_${run}`;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-load-'));
  const url = await freshDatabase(database);
  const hubs: HubProcess[] = [];
  let setup: HubSetup | undefined;
  let finished = false;
  try {
    // Every replica shares the keyed-hash secret (prepareHub's HUB_SECRET) and the receipt-signing key.
    const signingKey = JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
    setup = await prepareHub(url, LOAD_PARTIES, { HUB_SIGNING_KEY: signingKey, HUB_POLICIES_DIR: await exactProductRndPolicies(workDir) });
    for (let i = 0; i < hubCount; i += 1) hubs.push(await HubProcess.start(setup, await spareLoopbackPort(), path.join(workDir, `hub-${i + 1}.log`)));
    log(`database ${database}; hubs ${hubs.map((hub) => hub.url).join(', ')}; logs in ${workDir}`);

    const seed = await seedLoadData(hubs[0]!.url, setup, {
      run,
      subjectsPerModel: SUBJECTS_PER_MODEL,
      consentingPerModel: CONSENTING_PER_MODEL,
      churnSubjects: connections.consent,
    });
    const platformToken = await setup.token(LOAD_PLATFORM);
    const brandToken = await setup.token(LOAD_BRAND);
    const users = await Promise.all(seed.subjects.map(async (subjectRef) => ({ subjectRef, token: await setup!.token(LOAD_PLATFORM, { subjectRef }) })));
    const churnUsers = users.filter((user) => seed.churnSubjects.includes(user.subjectRef));
    const ingest: IngestLedger = { acknowledged: [...seed.seededRefs], acknowledgedWithSubject: seed.seededRefs.length, inFlight: new Map() };
    const consent: ConsentLedger = {
      state: new Map(seed.churnSubjects.map((subject) => [subject, 'granted'])),
      acknowledgedChanges: new Map(),
      inFlight: new Map(),
    };
    log(
      `seeded ${seed.seededRefs.length} trade-ins, product-rnd granted by ${CONSENTING_PER_MODEL} users per model plus ${seed.churnSubjects.length} churn users, agreement approved`,
    );

    const phases: PhaseFigures[] = [];
    let previousInFlight: string[] = [];
    for (const [index, hubsInPhase] of options.phases.entries()) {
      const urls = hubs.slice(0, hubsInPhase).map((hub) => hub.url);
      const logSizes = await Promise.all(hubs.map(async (hub) => (await fs.readFile(hub.logFile, 'utf8')).length));
      const accessLogBefore = await accessLogCount(url);
      const servedBefore = await Promise.all(hubs.map(graphqlRequestsServed));
      const operations = [
        ingestOperation({
          run,
          phase: letters(index, 1),
          connections: connections.ingest,
          batch: options.ingestBatch ?? 20,
          token: platformToken,
          ledger: ingest,
        }),
        insightsOperation({ connections: connections.insights, token: brandToken, expectedRows: LOAD_MODELS.length, k: K }),
        consentOperation({ connections: connections.consent, users: churnUsers, ledger: consent }),
        meOperation({ connections: connections.me, users }),
      ];
      log(
        `phase ${index + 1}: ${options.seconds} s over ${hubsInPhase} hub process(es), connections ${operations.map((op) => `${op.name} ${op.connections}`).join(', ')}`,
      );
      const results = await Promise.all(
        operations.map((operation) =>
          autocannon({
            url: urls,
            connections: operation.connections,
            duration: options.seconds,
            timeout: 30,
            title: operation.name,
            setupClient: operation.setupClient,
          }),
        ),
      );
      // Requests the generator abandoned when the time was up may still finish inside the hubs.
      await waitForQuietDatabase(url);
      const inFlightRefs = [...previousInFlight, ...[...ingest.inFlight.values()].flat()];
      previousInFlight = inFlightRefs;
      ingest.inFlight.clear();
      const insights = operations[1]!.tally;
      const consistency = await checkLoadConsistency(url, {
        secret: setup.secret,
        acknowledgedRefs: ingest.acknowledged,
        acknowledgedWithSubject: ingest.acknowledgedWithSubject,
        inFlightRefs,
        consent,
        seedEventsPerChurnSubject: seed.seedEventsPerChurnSubject,
        accessLogBefore,
        insightsAcknowledged: insights.ok,
        insightsInFlight: insights.inFlight,
      });
      // A change in flight at the end of this phase either landed or not; the next phase starts from what the database says.
      await settleConsentInFlight(url, setup.secret, consent);
      let hubLogErrors = 0;
      for (const [i, hub] of hubs.entries()) hubLogErrors += (await errorLinesSince(hub.logFile, logSizes[i]!)).count;
      const graphqlRequestsPerHub = (await Promise.all(hubs.map(graphqlRequestsServed))).map((n, i) => n - servedBefore[i]!);
      const phase = {
        hubs: hubsInPhase,
        seconds: options.seconds,
        operations: operations.map((op, i) => figuresOf(op, results[i]!)),
        hubLogErrors,
        graphqlRequestsPerHub,
        consistency,
      };
      phases.push(phase);
      log(`phase ${index + 1} done: ${phase.operations.map((op) => `${op.name} ${op.requests} req p50 ${op.p50Ms} ms p99 ${op.p99Ms} ms`).join('; ')}`);
    }
    const audit = await runHubCli(['audit', 'verify'], setup.env);
    finished = true;
    return {
      database,
      seededTradeIns: seed.seededRefs.length,
      consentingPerModel: CONSENTING_PER_MODEL,
      phases,
      auditVerify: { code: audit.code, output: `${audit.stdout}${audit.stderr}`.trim().slice(0, 500) },
    };
  } finally {
    for (const hub of hubs) await hub.stop();
    await setup?.remove();
    await dropDatabase(database);
    // The hub logs stay when the run broke off, to see why.
    if (finished) await fs.rm(workDir, { recursive: true, force: true });
  }
}
