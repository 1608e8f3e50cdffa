import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/ledger-verify.ts';
import { runPayouts } from '../../src/ledger/payout-run.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

/*
 * A payout run killed halfway — its server process terminated while it writes — leaves no partial period:
 * the period stays open with no run, no lines, no statement, no journal; the next run pays it whole. Needs
 * a second connection to kill the first, so it runs on PostgreSQL only (PGlite is one in-process backend).
 */
describe.skipIf(!process.env.DATABASE_URL)('a payout run interrupted halfway', () => {
  let hub: TestHub;
  const SUBJECTS = 60_000;
  beforeAll(async () => {
    hub = await createTestHub();
    const db = hub.app.database.db;
    // Enough accruals that the run takes long enough to be caught in the act.
    // The vault's sealed pseudonyms stand in as random bytes: the run never opens them.
    await sql`insert into subjects (id, platform_id, subject_ref_sealed, created_at)
      select gen_random_uuid(), 'platform-a', decode(md5(n::text), 'hex'), now() from generate_series(1, ${SUBJECTS}) n`.execute(db);
    for (let q = 0; q < 5; q++) {
      await sql`insert into contributions (subject_id, query_id, party_id, purpose, price_fen, user_share_fen, created_at)
        select id, ${`0190a000-0000-7000-8000-00000000000${q}`}::uuid, 'brand-a', 'product-rnd', 8, 40, '2026-10-15T10:00:00Z'::timestamptz from subjects`.execute(
        db,
      );
      await db.transaction().execute(async (tx) => {
        await sql`insert into ledger_periods (period, status, opened_at) values ('2026-10', 'open', now()) on conflict do nothing`.execute(tx);
        const id = `0190b000-0000-7000-8000-00000000000${q}`;
        await sql`insert into journals (id, kind, period, query_id, memo, created_at) values (${id}::uuid, 'query', '2026-10', ${`0190a000-0000-7000-8000-00000000000${q}`}::uuid, 'seeded', '2026-10-15T10:00:00Z')`.execute(
          tx,
        );
        await sql`insert into journal_lines (journal_id, line, account, amount_fen) values
          (${id}::uuid, 1, 'party:brand-a', ${-80 * SUBJECTS}), (${id}::uuid, 2, 'users:platform-a', ${40 * SUBJECTS}), (${id}::uuid, 3, 'hub:fees', ${40 * SUBJECTS})`.execute(
          tx,
        );
        await sql`insert into account_balances (account, balance_fen, updated_at) values
          ('party:brand-a', ${-80 * SUBJECTS}, now()), ('users:platform-a', ${40 * SUBJECTS}, now()), ('hub:fees', ${40 * SUBJECTS}, now())
          on conflict (account) do update set balance_fen = account_balances.balance_fen + excluded.balance_fen`.execute(tx);
      });
    }
  });
  afterAll(async () => hub.close());

  it('leaves nothing behind, and the next run pays the period whole', async () => {
    const db = hub.app.database.db;
    const killer = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await killer.connect();
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
    let killed = false;
    // Watch for the run's transaction to be inside its work, then terminate its backend.
    const watcher = (async () => {
      for (let i = 0; i < 2000 && !killed; i++) {
        const { rows } = await killer.query(
          `select pid from pg_stat_activity where state = 'active' and query like '%payout_work%' and query not like '%pg_stat_activity%'`,
        );
        if (rows.length > 0) {
          await killer.query('select pg_terminate_backend($1)', [rows[0].pid]);
          killed = true;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const interrupted = await runPayouts(db, { period: '2026-10', now: new Date('2026-11-02T00:00:00Z') }).then(
      () => 'finished',
      (error: Error) => error.message,
    );
    await watcher;
    await killer.end();
    expect(killed).toBe(true);
    expect(interrupted).not.toBe('finished');
    expect(schema).toMatch(/^t_/);

    const left = (
      await sql<{ runs: number; lines: number; statements: number; journals: number; status: string }>`
      select (select count(*) from payout_runs)::int as runs, (select count(*) from payout_lines)::int as lines,
        (select count(*) from statements)::int as statements, (select count(*) from journals where kind = 'payout')::int as journals,
        (select status from ledger_periods where period = '2026-10') as status`.execute(db)
    ).rows[0];
    expect(left).toEqual({ runs: 0, lines: 0, statements: 0, journals: 0, status: 'open' });

    const run = await runPayouts(db, { period: '2026-10', now: new Date('2026-11-02T00:10:00Z') });
    expect(run).toMatchObject({ alreadyClosed: false, subjects: SUBJECTS, paidFen: 200 * SUBJECTS, carriedFen: 0 });
    const report = await verifyLedger(db);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  });
});
