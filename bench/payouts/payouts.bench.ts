// Payout run: `runPayouts` over 10M contributions of 200k subjects (statements included) against the bare
// `SUM … GROUP BY subject` over the same rows, on the same scratch PostgreSQL database in the same run.
// A smaller earlier month is closed first, so the timed run also brings amounts forward.
//
//   npm run bench:payouts                                         # 10,000,000 contributions, 200,000 subjects
//   BENCH_CONTRIBUTIONS=1000000 BENCH_SUBJECTS=50000 npm run bench:payouts
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { migrateToLatest, openDatabase } from '../../src/db/client.ts';
import type { Db } from '../../src/db/database.ts';
import { postJournal } from '../../src/ledger/journal.repository.ts';
import { verifyLedger } from '../../src/ledger/ledger-verify.ts';
import { runPayouts } from '../../src/ledger/payout-run.ts';
import { periodBounds } from '../../src/ledger/periods.ts';
import { ACCOUNTS } from '../../src/ledger/revenue-split.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';

const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 10_000_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 200_000);
const BASELINE_REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const DB_NAME = 'tradein_bench_payouts';
const PLATFORMS = 4;
const PERIOD = '2026-10';
const EARLIER = '2026-09';
const TARGET_MS = 5000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Subjects spread over four platforms; contributions as queries that each count every subject once. */
async function seed(db: Db): Promise<void> {
  await sql`
    insert into subjects (id, platform_id, subject_ref, created_at)
    select gen_random_uuid(), 'platform-' || (n % ${PLATFORMS}), 'uBenchSubject-' || md5(n::text), now()
    from generate_series(0, ${SUBJECTS - 1}) n`.execute(db);
  await sql`create temp table numbered on commit preserve rows as select id, (row_number() over (order by id) - 1)::int as n from subjects`.execute(db);
  await sql`create index on numbered (n)`.execute(db);
  // Shares of 3 or 4 fen (a 7-fen price at 50%); each query counts every subject once.
  const insertMonth = async (period: string, rows: number) => {
    const { start } = periodBounds(period);
    const queries = Math.ceil(rows / SUBJECTS);
    for (let q = 0; q < queries; q++) {
      const count = Math.min(SUBJECTS, rows - q * SUBJECTS);
      const queryId = uuidv7();
      const at = new Date(start.getTime() + q * 600_000);
      // Each query as the hub bills it: its contributions and its balanced journal, in one transaction.
      await db.transaction().execute(async (tx) => {
        await sql`
          insert into contributions (subject_id, query_id, party_id, purpose, price_fen, user_share_fen, created_at)
          select s.id, ${queryId}::uuid, 'brand-bench', 'product-rnd', 7, 3 + (s.n % 2), ${at}::timestamptz
          from numbered s where s.n < ${count}`.execute(tx);
        const { rows: pools } = await sql<{ platform_id: string; fen: string }>`
          select 'platform-' || (n % ${PLATFORMS}) as platform_id, sum(3 + (n % 2))::bigint as fen from numbered where n < ${count} group by 1`.execute(tx);
        const users = pools.reduce((sum, pool) => sum + Number(pool.fen), 0);
        await postJournal(
          tx,
          {
            kind: 'query',
            period,
            queryId,
            memo: 'bench query',
            lines: [
              { account: ACCOUNTS.party('brand-bench'), amountFen: -7 * count },
              ...pools.map((pool) => ({ account: ACCOUNTS.usersPool(pool.platform_id), amountFen: Number(pool.fen) })),
              { account: ACCOUNTS.hubFees, amountFen: 7 * count - users },
            ],
          },
          at,
        );
      });
    }
  };
  await insertMonth(EARLIER, Math.min(CONTRIBUTIONS / 10, SUBJECTS * 3));
  await insertMonth(PERIOD, CONTRIBUTIONS);
  await sql`analyze`.execute(db);
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB_NAME);
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    process.stdout.write(`seeding ${CONTRIBUTIONS.toLocaleString('en')} contributions of ${SUBJECTS.toLocaleString('en')} subjects…\n`);
    const seeded = await timed(() => seed(db));
    process.stdout.write(`  seeded in ${seconds(seeded.ms)}\n`);
    const after = new Date(periodBounds(PERIOD).end.getTime() + 3600_000);
    const earlier = await runPayouts(db, { period: EARLIER, now: after });
    process.stdout.write(`closed ${EARLIER} first: paid ${earlier.paidFen} fen, carried ${earlier.carriedFen} fen over ${earlier.subjects} subjects\n`);

    const { start, end } = periodBounds(PERIOD);
    const baselines: number[] = [];
    for (let i = 0; i < BASELINE_REPEATS; i++) {
      const run = await timed(() =>
        sql`
        select subject_id, sum(user_share_fen) from contributions
        where created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz group by subject_id`.execute(db),
      );
      baselines.push(run.ms);
      process.stdout.write(`  baseline SUM … GROUP BY: ${seconds(run.ms)} (${run.value.rows.length} subjects)\n`);
    }
    const baseline = [...baselines].sort((a, b) => a - b)[Math.floor(baselines.length / 2)]!;

    const payout = await timed(() => runPayouts(db, { period: PERIOD, now: after }));
    const run = payout.value;
    process.stdout.write(
      `  payout run ${PERIOD}: ${seconds(payout.ms)} — ${run.subjects} subjects, paid ${run.paidFen} fen, carried ${run.carriedFen} fen, ${run.statements.length} statements\n`,
    );
    const again = await timed(() => runPayouts(db, { period: PERIOD, now: after }));
    process.stdout.write(`  second run of ${PERIOD} (already closed, pays nothing): ${seconds(again.ms)}\n`);
    const verify = await timed(() => verifyLedger(db));
    process.stdout.write(`  ledger verify: ${verify.value.ok ? 'clean' : 'BROKEN'} in ${seconds(verify.ms)}\n`);
    for (const check of verify.value.checks.filter((c) => !c.ok)) process.stdout.write(`    FAIL ${check.name}: ${check.detail}\n`);
    if (!verify.value.ok) process.exitCode = 1;

    process.stdout.write(
      '\n| contributions | subjects | bare SUM … GROUP BY (p50) | payout run, statements included | ratio | target |\n|---|---|---|---|---|---|\n',
    );
    process.stdout.write(
      `| ${CONTRIBUTIONS.toLocaleString('en')} | ${SUBJECTS.toLocaleString('en')} | ${seconds(baseline)} | ${seconds(payout.ms)} | ${(payout.ms / baseline).toFixed(2)}× | ≤ ${seconds(TARGET_MS)} (${payout.ms <= TARGET_MS ? 'met' : 'not met'}) |\n`,
    );
  } finally {
    await handle.close();
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(DB_NAME);
  }
}

await main();
