// Faults: PostgreSQL restarted under a running push, the hub killed mid-batch, the database down under a
// running hub — on a private PostgreSQL this script starts itself (initdb/pg_ctl on a spare loopback port),
// never the machine's shared server. Real processes throughout: `tradein-hub serve` and `tradein-hub push`.
//
//   npm run bench:faults                                   # 20 restarts, 10 kills, 5 outages (~9 min here)
//   FAULT_RESTARTS=2 FAULT_KILLS=2 FAULT_OUTAGES=1 npm run bench:faults
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runDatabaseDownFault } from './database-down.fault.ts';
import { runHubKillFault } from './hub-kill.fault.ts';
import { runPostgresRestartFault } from './postgres-restart.fault.ts';
import { PrivatePostgres } from './private-postgres.ts';

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
};
const RESTARTS = count('FAULT_RESTARTS', 20);
const KILLS = count('FAULT_KILLS', 10);
const OUTAGES = count('FAULT_OUTAGES', 5);
const ORDERS = count('FAULT_ORDERS', 2000);
const BATCH = count('FAULT_BATCH', 100);

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[${Math.round((performance.now() - t0) / 1000)} s] ${line}\n`);
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-faults-'));
const server = await PrivatePostgres.create();
log(`private PostgreSQL on 127.0.0.1:${server.port} in ${server.dir}; hub logs in ${workDir}`);
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};
const ms = (s: { p50: number; max: number }) => `p50 ${s.p50} ms, max ${s.max} ms`;
try {
  const started = performance.now();
  const restart = RESTARTS > 0 ? await runPostgresRestartFault({ server, workDir, iterations: RESTARTS, ordersPerPush: ORDERS, batch: BATCH, log }) : undefined;
  const kill = KILLS > 0 ? await runHubKillFault({ server, workDir, iterations: KILLS, ordersPerPush: ORDERS, batch: BATCH, log }) : undefined;
  const down = OUTAGES > 0 ? await runDatabaseDownFault({ server, workDir, iterations: OUTAGES, outageMs: 3_000, log }) : undefined;
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), seconds, ordersPerPush: ORDERS, batch: BATCH, restart, kill, down }, null, 2));

  if (restart) {
    check(restart.restartsDuringPush === RESTARTS, 'every restart must hit a running push');
    check(restart.pushesFailed === 0, 'every push must finish with every row acknowledged');
    check(restart.lostAcrossRestart === 0 && restart.stored.lost === 0, 'no acknowledged document may be lost');
    check(restart.stored.duplicated === 0, 'no document may be stored twice');
    console.log(
      `| PostgreSQL restarted under a running push (${restart.stopModes.fast} fast, ${restart.stopModes.immediate} immediate) | ${RESTARTS} | ` +
        `${restart.stored.acknowledged.toLocaleString('en')} (${restart.acknowledgedBeforeStop.toLocaleString('en')} before a stop) | ${restart.stored.lost + restart.lostAcrossRestart} | ` +
        `${restart.stored.duplicated} | ${restart.retries} retries, ${restart.replayed} replayed | down ${ms(restart.downMs)}; hub ready +${ms(restart.hubReadyAfterMs)}; push resumed +${ms(restart.pushResumedAfterMs)} |`,
    );
  }
  if (kill) {
    check(kill.pushesFailed === 0, 'every push must finish after the hub was killed');
    check(kill.stored.lost === 0 && kill.stored.duplicated === 0, 'every document must be stored exactly once after a kill');
    check(
      kill.answersCut === Math.floor(KILLS / 2) && kill.cutAnswersReplayed === kill.answersCut,
      'every batch whose answer was cut must come back as replayed',
    );
    console.log(
      `| hub SIGKILLed mid-batch, new process on the same port | ${KILLS} | ${kill.stored.acknowledged.toLocaleString('en')} | ${kill.stored.lost} | ` +
        `${kill.stored.duplicated} | ${kill.retries} retries, ${kill.replayed} replayed (${kill.answersCut} answers cut after the commit, ${kill.cutAnswersReplayed} of them replayed whole) | new hub ready ${ms(kill.hubRestartMs)} |`,
    );
  }
  if (down) {
    check(
      Object.keys(down.readyzWhileDown).every((status) => status === '503'),
      '/readyz must answer 503 while the database is down',
    );
    check(down.acceptedWhileDown === 0, 'no submission may be accepted while the database is down');
    check(down.sameProcessThroughout, 'the hub must recover without a restart');
    check(down.submissionAcceptedAfterMs.n === OUTAGES, 'a submission must succeed after every outage');
    check(down.stored.lost === 0 && down.stored.duplicated === 0, 'every accepted submission must be stored exactly once');
    console.log(
      `| PostgreSQL down ${3} s under a running hub | ${OUTAGES} | ${down.stored.acknowledged} | ${down.stored.lost} | ${down.stored.duplicated} | ` +
        `/readyz ${JSON.stringify(down.readyzWhileDown)} while down | 503 after ${ms(down.notReadyAfterMs)}; 200 +${ms(down.readyAfterMs)}; submission accepted +${ms(down.submissionAcceptedAfterMs)}; same process: ${down.sameProcessThroughout} |`,
    );
  }
} finally {
  await server.destroy();
}
if (failures.length > 0) {
  log(`FAILED: ${failures.join('; ')} (hub logs in ${workDir})`);
  process.exitCode = 1;
} else {
  await fs.rm(workDir, { recursive: true, force: true });
}
