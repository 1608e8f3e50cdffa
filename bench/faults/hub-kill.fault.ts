import pg from 'pg';
import { AnswerCuttingProxy } from './answer-cutting-proxy.ts';
import { summariseMs, waitUntil } from './durations.ts';
import type { PrivatePostgres } from './private-postgres.ts';
import { startPush, tallyPush, writeOrderExport, writeSubjectKey, type PushTally } from './push-run.ts';
import { FAULT_PLATFORM, startScenarioHub } from './scenario-hub.ts';
import { checkStoredTradeIns, type StoredTradeIns } from './stored-trade-ins.ts';

export interface HubKillOptions {
  server: PrivatePostgres;
  workDir: string;
  iterations: number;
  ordersPerPush: number;
  batch: number;
  log?: (line: string) => void;
}

export interface HubKillFigures {
  iterations: number;
  /** Kills sent while pg_stat_activity showed the hub inside a transaction (a batch being written). */
  killsInsideTransaction: number;
  /** Of those, kills that let the batch commit and killed the hub as its answer started, which never reached the push (every other kill). */
  answersCut: number;
  /** Cut answers whose batch came back to the push's retry as replayed, whole (must equal answersCut). */
  cutAnswersReplayed: number;
  pushesFailed: number;
  retries: number;
  /** Documents the restarted hub answered as already held: their batch had committed but the answer died with the hub. */
  replayed: number;
  stored: StoredTradeIns;
  /** SIGKILL → the new hub process answers /readyz 200 (the tsx loader's start-up dominates). */
  hubRestartMs: ReturnType<typeof summariseMs>;
  pushes: PushTally['pushes'];
}

/**
 * Kills the hub process with SIGKILL while `tradein-hub push` is sending a file (through a loopback
 * pass-through proxy), then starts a new one on the same port; the push retries on its own. The kill waits
 * until PostgreSQL shows the hub's connection inside a transaction (a batch being written) and is sent at
 * once (the batch rolls back) or, every other time, when the hub starts answering that batch (it has
 * committed) — the proxy then drops the answer. Every row must end up acknowledged and stored exactly once,
 * and each lost answer's batch must come back to the retry as replayed.
 */
export async function runHubKillFault(options: HubKillOptions): Promise<HubKillFigures> {
  const log = options.log ?? (() => {});
  const scenario = await startScenarioHub(options.server, 'faults_kill', options.workDir);
  const proxy = await AnswerCuttingProxy.start(scenario.port);
  const endpoint = `http://127.0.0.1:${proxy.port}/graphql`;
  const subjectKeyFile = await writeSubjectKey(options.workDir);
  const observer = new pg.Client({ connectionString: options.server.url() });
  await observer.connect();
  const tag = Date.now().toString(36);
  const acknowledged: string[] = [];
  const figures = {
    killsInsideTransaction: 0,
    answersCut: 0,
    cutAnswersReplayed: 0,
    pushesFailed: 0,
    retries: 0,
    replayed: 0,
    pushes: [] as HubKillFigures['pushes'],
  };
  const restarts: number[] = [];
  // The hub's connections that are inside a transaction right now.
  const openTransactions = async () =>
    Number(
      (
        await observer.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = 'faults_kill' and backend_type = 'client backend' and xact_start is not null`,
        )
      ).rows[0]!.n,
    );
  try {
    for (let iteration = 1; iteration <= options.iterations; iteration += 1) {
      const orders = await writeOrderExport(options.workDir, `kill-${tag}-${iteration}`, options.ordersPerPush);
      const push = startPush(scenario.setup, { file: orders.file, endpoint, party: FAULT_PLATFORM, subjectKeyFile, batch: options.batch });
      let finished = false;
      const outcome = push.done.finally(() => (finished = true));
      const threshold = Math.ceil(options.ordersPerPush * (0.1 + Math.random() * 0.4));
      await waitUntil(async () => finished || (await push.rowsAcknowledged()) >= threshold, { intervalMs: 5, timeoutMs: 120_000 });
      const midTransaction =
        (await waitUntil(async () => finished || (await openTransactions()) > 0, { intervalMs: 0, timeoutMs: 30_000 })) !== undefined && !finished;
      let killedAt = 0;
      const kill = () => {
        killedAt = performance.now();
        return scenario.hub.kill('SIGKILL');
      };
      // Odd iterations kill at once, inside the batch's transaction; even ones let the batch commit and kill
      // the hub as its answer starts, which the proxy then never delivers.
      const cutAnswer = iteration % 2 === 0 && midTransaction;
      if (cutAnswer) await proxy.cutNextAnswer(kill);
      else await kill();
      if (midTransaction) figures.killsInsideTransaction += 1;
      if (cutAnswer) figures.answersCut += 1;
      await scenario.restart();
      restarts.push(performance.now() - killedAt);
      const result = await outcome;
      const complete = tallyPush(figures, result, orders, acknowledged);
      if (cutAnswer && result.replayed >= options.batch) figures.cutAnswersReplayed += 1;
      log(
        `kill ${iteration}/${options.iterations}: ${midTransaction ? (cutAnswer ? 'after the commit, answer cut' : 'inside a transaction') : 'no open transaction seen'}, new hub ready after ` +
          `${Math.round(restarts.at(-1)!)} ms; push exit ${result.code}: accepted ${result.accepted}, replayed ${result.replayed}, retries ${result.retries}` +
          (complete ? '' : `\n${result.stderr.trim().split('\n').slice(-3).join('\n')}`),
      );
    }
    const stored = await checkStoredTradeIns(scenario.databaseUrl, scenario.setup.secret, FAULT_PLATFORM, acknowledged, acknowledged.length);
    return { iterations: options.iterations, ...figures, stored, hubRestartMs: summariseMs(restarts) };
  } finally {
    await observer.end();
    await proxy.close();
    await scenario.close();
  }
}
