// Load: a bounded mixed load on loopback — ingest (submitTradeIns), insights, consent grant/withdraw and
// `me`, each from its own autocannon instance, all at once — against real `tradein-hub serve` processes on
// PostgreSQL: first one hub, then two hubs on the same database sharing the load. 0 errors required
// (non-2xx, connection errors, timeouts, GraphQL errors or wrong answers in the body); then the database
// is checked against what the load generator was answered.
//
//   npm run bench:load                          # 60 s per phase, phases of 1 and 2 hubs (~2.7 min here)
//   LOAD_SECONDS=10 LOAD_PHASES=2 npm run bench:load
import { loadProblems, runLoad } from './run-load.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 60);
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) throw new Error('LOAD_SECONDS must be a whole number from 1 to 600');
const phases = (process.env.LOAD_PHASES ?? '1,2').split(',').map(Number);
if (phases.some((hubs) => hubs !== 1 && hubs !== 2)) throw new Error('LOAD_PHASES must list hub counts of 1 or 2, e.g. 1,2');

const started = performance.now();
const log = (line: string) => process.stderr.write(`[${Math.round((performance.now() - started) / 1000)} s] ${line}\n`);
const figures = await runLoad({ seconds, phases, log });
console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), ...figures }, null, 2));
for (const phase of figures.phases) {
  for (const op of phase.operations) {
    const errors = op.non2xx + op.connectionErrors + op.timeouts + op.wrongBodies;
    console.log(
      `| ${phase.hubs} | ${op.name} | ${op.connections} | ${op.requests.toLocaleString('en')} | ${op.requestsPerSecond} | ${op.p50Ms} | ${op.p99Ms} | ${errors} |`,
    );
  }
  const c = phase.consistency;
  console.log(
    `${phase.hubs} hub(s): lost ${c.ingestLost}, duplicated ${c.ingestDuplicated}, unexplained ${c.ingestUnexplained}, stored from in-flight ${c.ingestStoredFromInFlight}, ` +
      `consent state mismatches ${c.consentStateMismatches}, consent event mismatches ${c.consentEventMismatches}, access log mismatch ${c.accessLogMismatch}, hub log errors ${phase.hubLogErrors}; totals ${JSON.stringify(c.totals)}`,
  );
}
console.log(`audit verify: exit ${figures.auditVerify.code}`);
const problems = loadProblems(figures);
if (problems.length > 0) {
  process.stderr.write(`FAILED:\n${problems.join('\n')}\n`);
  process.exitCode = 1;
}
