// Payout close over query pointers: `runPayouts` of a month in which 50 queries were billed as pointers
// over BENCH_RECORDS records (two per subject, 80% of subjects consenting), the close expanding all 50 in
// one set-based pass, splitting, posting 50 allocation journals, payout lines and statements — against a
// bare `SUM … GROUP BY subject` over the equivalent per-subject rows (the contributions the per-row code
// would have written), materialised beforehand, on the same scratch PostgreSQL database in the same run.
//
//   node --import tsx bench/payouts/pointers.bench.ts                       # 5,000,000 records
//   BENCH_RECORDS=200000 node --import tsx bench/payouts/pointers.bench.ts
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { migrateToLatest, openDatabase } from '../../src/db/client.ts';
import type { Db } from '../../src/db/database.ts';
import { postJournal } from '../../src/ledger/journal.repository.ts';
import { verifyLedger } from '../../src/ledger/ledger-verify.ts';
import { runPayouts } from '../../src/ledger/payout-run.ts';
import { periodBounds } from '../../src/ledger/periods.ts';
import { expandPointers } from '../../src/ledger/pointer-expansion.repository.ts';
import { insertPointer, scopePointers } from '../../src/ledger/pointers.repository.ts';
import { ACCOUNTS } from '../../src/ledger/revenue-split.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 5_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 50);
const BASELINE_REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SUBJECTS = Math.floor(RECORDS / 2);
// Scratch database: override with BENCH_DB_NAME when several people bench on one server.
const DB_NAME = process.env.BENCH_DB_NAME ?? 'tradein_bench_pointers';
const PERIOD = '2026-10';
const PRICE = 7;
const CATEGORIES = ['mobile_phone', 'tablet', 'laptop'];

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function seed(db: Db): Promise<void> {
  const before = '2026-09-15T00:00:00Z';
  await sql`
    insert into subjects (id, platform_id, subject_ref_sealed, created_at)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'platform-' || (n % 4), '\\x00'::bytea, ${before}::timestamptz
    from generate_series(0, ${SUBJECTS - 1}) n`.execute(db);
  await sql`
    insert into records (id, category, brand, model, usage_months, trade_in_month, channel, quoted_valuation_fen, created_at)
    select ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid, (${CATEGORIES}::text[])[1 + n % 3], 'apple', null, 12 + n % 40,
      make_date(2026, 1 + (n / 2) % 5, 1), 'online', 100000, ${before}::timestamptz
    from generate_series(0, ${RECORDS - 1}) n`.execute(db);
  await sql`
    insert into record_subjects (subject_id, record_id, platform_id, created_at)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(n / 2), 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid,
      'platform-' || ((n / 2) % 4), ${before}::timestamptz
    from generate_series(0, ${RECORDS - 1}) n`.execute(db);
  // Four subjects in five grant; positions in order, the counter moved to the last.
  await sql`
    insert into consent_events (subject_id, seq, position, id, purpose, action, status, policy_version, terms, expires_at, receipt_id, receipt, prev_hash, hash, created_at)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 1, row_number() over (order by n), gen_random_uuid(), 'product-rnd', 'grant', 'granted', 1,
      '{}'::jsonb, null, gen_random_uuid(), 'receipt', null, '\\x00'::bytea, ${before}::timestamptz
    from generate_series(0, ${SUBJECTS - 1}) n where n % 5 <> 0`.execute(db);
  await sql`update hub_settings set value = (select max(position)::text from consent_events) where key = 'consent_ledger_head'`.execute(db);
  await sql`analyze`.execute(db);

  // 50 queries as billQuery writes them: one pointer and one journal each. Each counts one trade-in month,
  // by category, the last category withheld on every other query.
  const { start } = periodBounds(PERIOD);
  const {
    rows: [head],
  } = await sql<{ position: string }>`select value as position from hub_settings where key = 'consent_ledger_head'`.execute(db);
  for (let q = 0; q < QUERIES; q++) {
    const at = new Date(start.getTime() + (q + 1) * 3_600_000);
    const month = `2026-0${1 + (q % 5)}`;
    const billed = Math.floor((SUBJECTS * 0.8) / 5);
    const queryId = uuidv7();
    const journalId = uuidv7();
    await db.transaction().execute(async (tx) => {
      await insertPointer(tx, {
        queryId,
        partyId: 'brand-bench',
        purpose: 'product-rnd',
        policyVersion: 1,
        period: PERIOD,
        at,
        consentPosition: head!.position,
        groupBy: ['category'],
        filters: { tradeInMonthFrom: month, tradeInMonthTo: month },
        measures: ['count'],
        releasedKeys: CATEGORIES.slice(0, q % 2 === 0 ? 3 : 2).map((c) => JSON.stringify([c])),
        remainderReleased: false,
        recordsPerSubject: null,
        usesInspection: false,
        usesDisposition: false,
        usesCatalogue: false,
        pricePerSubjectFen: PRICE,
        billedSubjects: billed,
        split: { users: 5000, parties: 3000, hub: 2000 },
        journalId,
      });
      await postJournal(
        tx,
        {
          id: journalId,
          kind: 'query',
          period: PERIOD,
          queryId,
          memo: 'bench query',
          lines: [
            { account: ACCOUNTS.party('brand-bench'), amountFen: -billed * PRICE },
            { account: ACCOUNTS.pending, amountFen: billed * PRICE },
          ],
        },
        at,
      );
    });
  }
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB_NAME);
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    process.stdout.write(`seeding ${RECORDS.toLocaleString('en')} records of ${SUBJECTS.toLocaleString('en')} subjects, ${QUERIES} pointer queries…\n`);
    const seeded = await timed(() => seed(db));
    process.stdout.write(`  seeded in ${seconds(seeded.ms)}\n`);

    // The equivalent rows: what the per-row code would have written, one per (query, subject counted).
    const materialised = await timed(() =>
      db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ query_id: string }>`select query_id from query_pointers`.execute(tx);
        await scopePointers(
          tx,
          rows.map((row) => row.query_id),
        );
        await expandPointers(tx);
        await sql`create table bench_equivalent as select distinct query_id, subject_id, 4::bigint as user_share_fen from pointer_rows where subject_id is not null`.execute(
          tx,
        );
      }),
    );
    const {
      rows: [equivalent],
    } = await sql<{ n: string }>`select count(*)::text as n from bench_equivalent`.execute(db);
    await sql`analyze bench_equivalent`.execute(db);
    process.stdout.write(`  equivalent per-subject rows: ${Number(equivalent!.n).toLocaleString('en')} (materialised in ${seconds(materialised.ms)})\n`);

    const baselines: number[] = [];
    for (let i = 0; i < BASELINE_REPEATS; i++) {
      // Under the session settings the close's transaction uses (src/ledger/payout-run.ts), so both get the same memory.
      const run = await timed(() =>
        db.transaction().execute(async (tx) => {
          await sql`set local work_mem = '256MB'`.execute(tx);
          await sql`set local jit = off`.execute(tx);
          return sql`select subject_id, sum(user_share_fen) from bench_equivalent group by subject_id`.execute(tx);
        }),
      );
      baselines.push(run.ms);
      process.stdout.write(`  baseline SUM … GROUP BY: ${seconds(run.ms)} (${run.value.rows.length} subjects)\n`);
    }
    const baseline = [...baselines].sort((a, b) => a - b)[Math.floor(baselines.length / 2)]!;

    const after = new Date(periodBounds(PERIOD).end.getTime() + 3_600_000);
    const payout = await timed(() => runPayouts(db, { period: PERIOD, now: after }));
    const run = payout.value;
    process.stdout.write(
      `  payout close ${PERIOD}: ${seconds(payout.ms)} — ${run.subjects} subjects, earned ${run.earnedFen} fen, paid ${run.paidFen} fen, ${run.statements.length} statements\n`,
    );
    const verify = await timed(() => verifyLedger(db));
    process.stdout.write(`  ledger verify: ${verify.value.ok ? 'clean' : 'BROKEN'} in ${seconds(verify.ms)}\n`);
    for (const check of verify.value.checks.filter((c) => !c.ok)) process.stdout.write(`    FAIL ${check.name}: ${check.detail}\n`);
    if (!verify.value.ok) process.exitCode = 1;

    process.stdout.write(
      '\n| records | queries | equivalent rows | bare SUM … GROUP BY (p50) | payout close (expansion included) | ratio | target |\n|---|---|---|---|---|---|---|\n',
    );
    process.stdout.write(
      `| ${RECORDS.toLocaleString('en')} | ${QUERIES} | ${Number(equivalent!.n).toLocaleString('en')} | ${seconds(baseline)} | ${seconds(payout.ms)} | ${(payout.ms / baseline).toFixed(2)}× | ≤ 2× (${payout.ms <= 2 * baseline ? 'met' : 'not met'}) |\n`,
    );
  } finally {
    await handle.close();
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(DB_NAME);
  }
}

await main();
