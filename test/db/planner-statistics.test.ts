import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeChangedTables } from '../../src/db/planner-statistics.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

describe('analyzeChangedTables (the embedded database has no autovacuum)', () => {
  let hub: TestHub;
  const db = () => hub.app.database.db;
  beforeAll(async () => {
    hub = await createTestHub();
    await sql`create table planner_probe (n integer)`.execute(db());
    await analyzeChangedTables(db());
  });
  afterAll(async () => hub?.close());

  /** The statistics system flushes a backend's counts lazily; ask it to, and wait for the table to show. */
  async function analyzedAfterChange(): Promise<string[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await sql`select pg_stat_force_next_flush()`.execute(db());
      const analyzed = await analyzeChangedTables(db());
      if (analyzed.includes('planner_probe') || Date.now() > deadline) return analyzed;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('analyzes a table that grew past the threshold, once, and leaves it until it changes enough again', async () => {
    const reltuples = async () =>
      Number((await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = 'planner_probe'::regclass`.execute(db())).rows[0]!.n);
    expect(await reltuples()).toBeLessThan(1);
    await sql`insert into planner_probe select generate_series(1, 2000)`.execute(db());
    expect(await analyzedAfterChange()).toContain('planner_probe');
    expect(await reltuples()).toBe(2000);
    expect(await analyzeChangedTables(db())).not.toContain('planner_probe');

    // 100 more rows is under 50 + 10 % of 2,000: no new ANALYZE.
    await sql`insert into planner_probe select generate_series(1, 100)`.execute(db());
    await sql`select pg_stat_force_next_flush()`.execute(db());
    expect(await analyzeChangedTables(db())).not.toContain('planner_probe');
    expect(await reltuples()).toBe(2000);
  }, 60_000);
});
