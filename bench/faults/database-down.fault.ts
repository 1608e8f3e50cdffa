import { summariseMs, waitUntil } from './durations.ts';
import { sleep } from './hub-fixture.ts';
import { httpStatus, postJson } from './plain-http.ts';
import type { PrivatePostgres, StopMode } from './private-postgres.ts';
import { FAULT_PLATFORM, startScenarioHub } from './scenario-hub.ts';
import { checkStoredTradeIns, type StoredTradeIns } from './stored-trade-ins.ts';

export interface DatabaseDownOptions {
  server: PrivatePostgres;
  workDir: string;
  iterations: number;
  /** How long PostgreSQL stays down each time. */
  outageMs: number;
  log?: (line: string) => void;
}

export interface DatabaseDownFigures {
  iterations: number;
  /** /readyz answers while PostgreSQL was down, by status (all must be 503). */
  readyzWhileDown: Record<string, number>;
  /** /healthz answers while PostgreSQL was down, by status (the process itself is fine: 200). */
  healthzWhileDown: Record<string, number>;
  /** Submissions tried while PostgreSQL was down that the hub nevertheless answered as accepted (must be 0). */
  acceptedWhileDown: number;
  /** HTTP statuses of the submissions tried while down (a cached token reaches the resolver; a fresh one cannot be checked: 503). */
  submissionStatusesWhileDown: Record<string, number>;
  /** The hub process was the same one, still running, after every outage. */
  sameProcessThroughout: boolean;
  stored: StoredTradeIns;
  /** PostgreSQL stopped → /readyz answers 503. */
  notReadyAfterMs: ReturnType<typeof summariseMs>;
  /** PostgreSQL started → /readyz answers 200. */
  readyAfterMs: ReturnType<typeof summariseMs>;
  /** PostgreSQL started → a submission with a fresh token (its key read from the database) is accepted. */
  submissionAcceptedAfterMs: ReturnType<typeof summariseMs>;
}

const SUBMIT = 'mutation($d:[JSON!]!){ submitTradeIns(documents:$d){ __typename ... on SubmissionBatch { results { __typename } } } }';

function tradeIn(externalRef: string): Record<string, unknown> {
  return {
    externalRef,
    category: 'mobile_phone',
    brand: 'Apple',
    model: 'iPhone 13 128GB',
    usageMonths: 30,
    tradeInMonth: '2025-04',
    channel: 'online',
    quotedValuationFen: 180_000,
  };
}

/** Submits one trade-in; `accepted` only when the hub answered a SubmissionBatch whose one result is SubmissionAccepted. */
async function submit(endpoint: string, token: string, externalRef: string): Promise<{ status: number; accepted: boolean }> {
  const { status, text } = await postJson(endpoint, { query: SUBMIT, variables: { d: [tradeIn(externalRef)] } }, { authorization: `Bearer ${token}` });
  let body: { data?: { submitTradeIns?: { __typename: string; results?: { __typename: string }[] } } | null };
  try {
    body = JSON.parse(text);
  } catch {
    return { status, accepted: false };
  }
  const result = body.data?.submitTradeIns;
  return { status, accepted: result?.__typename === 'SubmissionBatch' && result.results?.[0]?.__typename === 'SubmissionAccepted' };
}

const tally = (counts: Record<string, number>, key: number) => (counts[key] = (counts[key] ?? 0) + 1);

/**
 * Stops the private PostgreSQL under a running hub and starts it again, `iterations` times: while it is down
 * /readyz must answer 503 (and /healthz 200) and no submission may be answered as accepted; once it is back,
 * the same hub process must answer /readyz 200 and accept a submission with a fresh token, without a restart.
 */
export async function runDatabaseDownFault(options: DatabaseDownOptions): Promise<DatabaseDownFigures> {
  const log = options.log ?? (() => {});
  const scenario = await startScenarioHub(options.server, 'faults_down', options.workDir);
  const hub = scenario.hub;
  const pid = hub.pid;
  const tag = Date.now().toString(36);
  const acknowledged: string[] = [];
  const readyzWhileDown: Record<string, number> = {};
  const healthzWhileDown: Record<string, number> = {};
  const submissionStatusesWhileDown: Record<string, number> = {};
  let acceptedWhileDown = 0;
  const notReady: number[] = [];
  const ready: number[] = [];
  const accepted: number[] = [];
  try {
    for (let iteration = 1; iteration <= options.iterations; iteration += 1) {
      // A token the hub has verified (and cached) before the outage, so a submission reaches the resolver.
      const cachedToken = await scenario.setup.token(FAULT_PLATFORM);
      const before = await submit(scenario.endpoint, cachedToken, `down-${tag}-${iteration}-before`);
      if (!before.accepted) throw new Error(`the hub refused a submission before the outage (HTTP ${before.status})`);
      acknowledged.push(`down-${tag}-${iteration}-before`);

      const mode: StopMode = iteration % 2 === 1 ? 'fast' : 'immediate';
      await options.server.stop(mode);
      const stopped = performance.now();
      const notReadyMs = await waitUntil(async () => (await hub.readyStatus()) === 503, { intervalMs: 10, timeoutMs: 30_000 });
      if (notReadyMs !== undefined) notReady.push(notReadyMs);
      // The document the outage interrupts: tried now, retried after the database is back.
      const interrupted = `down-${tag}-${iteration}-during`;
      for (const token of [cachedToken, await scenario.setup.token(FAULT_PLATFORM)]) {
        const attempt = await submit(scenario.endpoint, token, interrupted);
        tally(submissionStatusesWhileDown, attempt.status);
        if (attempt.accepted) acceptedWhileDown += 1;
      }
      while (performance.now() - stopped < options.outageMs) {
        tally(readyzWhileDown, await hub.readyStatus());
        tally(healthzWhileDown, await httpStatus(`${hub.url}/healthz`));
        await sleep(200);
      }

      await options.server.start();
      const readyMs = await waitUntil(async () => (await hub.readyStatus()) === 200, { intervalMs: 10, timeoutMs: 60_000 });
      if (readyMs !== undefined) ready.push(readyMs);
      const acceptedMs = await waitUntil(async () => (await submit(scenario.endpoint, await scenario.setup.token(FAULT_PLATFORM), interrupted)).accepted, {
        intervalMs: 20,
        timeoutMs: 60_000,
      });
      if (acceptedMs !== undefined) {
        accepted.push((readyMs ?? 0) + acceptedMs);
        acknowledged.push(interrupted);
      }
      log(
        `outage ${iteration}/${options.iterations} (${mode}, ${options.outageMs} ms): /readyz 503 after ${Math.round(notReadyMs ?? -1)} ms; ` +
          `after the start: /readyz 200 +${Math.round(readyMs ?? -1)} ms, submission accepted +${Math.round((readyMs ?? 0) + (acceptedMs ?? -1))} ms; hub pid ${hub.pid}${hub.exited ? ' EXITED' : ''}`,
      );
    }
    const stored = await checkStoredTradeIns(scenario.databaseUrl, scenario.setup.secret, FAULT_PLATFORM, acknowledged, 0);
    return {
      iterations: options.iterations,
      readyzWhileDown,
      healthzWhileDown,
      acceptedWhileDown,
      submissionStatusesWhileDown,
      sameProcessThroughout: !hub.exited && scenario.hub === hub && hub.pid === pid,
      stored,
      notReadyAfterMs: summariseMs(notReady),
      readyAfterMs: summariseMs(ready),
      submissionAcceptedAfterMs: summariseMs(accepted),
    };
  } finally {
    await scenario.close();
  }
}
