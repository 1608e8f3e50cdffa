import { summariseMs, waitUntil } from './durations.ts';
import { sleep } from './hub-fixture.ts';
import type { PrivatePostgres, StopMode } from './private-postgres.ts';
import { startPush, tallyPush, writeOrderExport, writeSubjectKey, type PushTally } from './push-run.ts';
import { FAULT_PLATFORM, startScenarioHub } from './scenario-hub.ts';
import { checkStoredTradeIns, countPresentTradeIns, type StoredTradeIns } from './stored-trade-ins.ts';

export interface PostgresRestartOptions {
  server: PrivatePostgres;
  workDir: string;
  iterations: number;
  /** Orders in each push (one push per restart). */
  ordersPerPush: number;
  batch: number;
  log?: (line: string) => void;
}

export interface PostgresRestartFigures {
  iterations: number;
  stopModes: Record<StopMode, number>;
  /** Restarts that happened while the push was running with rows still to send (must equal iterations). */
  restartsDuringPush: number;
  /** Rows the push had acknowledged (its checkpoint) when PostgreSQL was stopped, summed; and how many of them the database lacked once it was back. */
  acknowledgedBeforeStop: number;
  lostAcrossRestart: number;
  /** Pushes that did not exit 0 with every row accepted or replayed. */
  pushesFailed: number;
  /** Batches the client re-sent, summed; documents the hub answered as already held (replayed), summed. */
  retries: number;
  replayed: number;
  stored: StoredTradeIns;
  /** PostgreSQL down: stop begun → start finished. */
  downMs: ReturnType<typeof summariseMs>;
  /** PostgreSQL up → the hub's /readyz answers 200. */
  hubReadyAfterMs: ReturnType<typeof summariseMs>;
  /** PostgreSQL up → the push's next acknowledged batch (or its end). Dominated by the client's back-off. */
  pushResumedAfterMs: ReturnType<typeof summariseMs>;
  pushes: PushTally['pushes'];
}

/**
 * Restarts the private PostgreSQL while `tradein-hub push` is sending a file to a real hub process, once per
 * iteration, alternating a clean fast shutdown and an immediate (crash-like) one, with 0.3–2 s of downtime.
 * Checks, each time, that every row the push had acknowledged before the stop is in the database once it
 * is back; and at the end, that every row of every file was acknowledged and is stored exactly once.
 */
export async function runPostgresRestartFault(options: PostgresRestartOptions): Promise<PostgresRestartFigures> {
  const log = options.log ?? (() => {});
  const scenario = await startScenarioHub(options.server, 'faults_restart', options.workDir);
  const subjectKeyFile = await writeSubjectKey(options.workDir);
  const tag = Date.now().toString(36);
  const acknowledged: string[] = [];
  const figures = {
    stopModes: { fast: 0, immediate: 0 } as Record<StopMode, number>,
    restartsDuringPush: 0,
    acknowledgedBeforeStop: 0,
    lostAcrossRestart: 0,
    pushesFailed: 0,
    retries: 0,
    replayed: 0,
    pushes: [] as PostgresRestartFigures['pushes'],
  };
  const down: number[] = [];
  const ready: number[] = [];
  const resumed: number[] = [];
  try {
    for (let iteration = 1; iteration <= options.iterations; iteration += 1) {
      const orders = await writeOrderExport(options.workDir, `pgr-${tag}-${iteration}`, options.ordersPerPush);
      const push = startPush(scenario.setup, { file: orders.file, endpoint: scenario.endpoint, party: FAULT_PLATFORM, subjectKeyFile, batch: options.batch });
      let finished = false;
      const outcome = push.done.finally(() => (finished = true));
      // Stop somewhere in the first half of the file, at a batch boundary or (more often) inside a batch.
      const threshold = Math.ceil(options.ordersPerPush * (0.1 + Math.random() * 0.4));
      await waitUntil(async () => finished || (await push.rowsAcknowledged()) >= threshold, { intervalMs: 5, timeoutMs: 120_000 });
      const before = await push.rowsAcknowledged();
      const mode: StopMode = iteration % 2 === 1 ? 'fast' : 'immediate';
      const stopStarted = performance.now();
      await options.server.stop(mode);
      if (!finished && before < options.ordersPerPush) figures.restartsDuringPush += 1;
      figures.stopModes[mode] += 1;
      await sleep(300 + Math.random() * 1700);
      await options.server.start();
      const up = performance.now();
      down.push(up - stopStarted);
      const missing = before - (await countPresentTradeIns(scenario.databaseUrl, scenario.setup.secret, FAULT_PLATFORM, orders.externalRefs.slice(0, before)));
      figures.acknowledgedBeforeStop += before;
      figures.lostAcrossRestart += missing;
      const readyAfter = waitUntil(async () => (await scenario.hub.readyStatus()) === 200, { intervalMs: 20, timeoutMs: 120_000 });
      const resumedAfter = waitUntil(async () => finished || (await push.rowsAcknowledged()) > before, { intervalMs: 10, timeoutMs: 180_000 });
      const [readyMs, resumedMs, result] = await Promise.all([readyAfter, resumedAfter, outcome]);
      if (readyMs !== undefined) ready.push(readyMs);
      if (resumedMs !== undefined) resumed.push(resumedMs);
      const complete = tallyPush(figures, result, orders, acknowledged);
      log(
        `restart ${iteration}/${options.iterations} (${mode}): stopped after ${before} acknowledged rows, ${missing} of them missing after the restart; ` +
          `down ${Math.round(up - stopStarted)} ms, hub ready +${Math.round(readyMs ?? -1)} ms, push resumed +${Math.round(resumedMs ?? -1)} ms; ` +
          `push exit ${result.code}: accepted ${result.accepted}, replayed ${result.replayed}, retries ${result.retries}` +
          (complete ? '' : `\n${result.stderr.trim().split('\n').slice(-3).join('\n')}`),
      );
    }
    const stored = await checkStoredTradeIns(scenario.databaseUrl, scenario.setup.secret, FAULT_PLATFORM, acknowledged, acknowledged.length);
    return {
      iterations: options.iterations,
      ...figures,
      stored,
      downMs: summariseMs(down),
      hubReadyAfterMs: summariseMs(ready),
      pushResumedAfterMs: summariseMs(resumed),
    };
  } finally {
    await scenario.close();
  }
}
