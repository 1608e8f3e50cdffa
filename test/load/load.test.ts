import { describe, expect, it } from 'vitest';
import { loadProblems, runLoad } from '../../bench/load/run-load.ts';

// A short version of `npm run bench:load`: 5 s of the mixed load split over two hub processes on one
// PostgreSQL database. Two processes cannot share the embedded PGlite, so this runs when DATABASE_URL names
// a PostgreSQL server (as in `.ci/run`'s second pass); its scratch database is created on that server
// beside the test database and dropped afterwards.
const url = process.env.DATABASE_URL;
if (url !== undefined && url !== '') process.env.BENCH_DATABASE_URL ??= url;

describe.skipIf(url === undefined || url === '')('load (two hub processes on one PostgreSQL)', () => {
  it('serves a 5 s mixed load split over both with no error, and the database matches every answer', async () => {
    const figures = await runLoad({ seconds: 5, phases: [2] });
    expect(loadProblems(figures)).toEqual([]);
    const [phase] = figures.phases;
    expect(phase!.operations.map((op) => op.name)).toEqual(['ingest (submitTradeIns)', 'insights (product-rnd by model)', 'consent (grant / withdraw)', 'me']);
    expect(phase!.graphqlRequestsPerHub.every((n) => n > 0)).toBe(true);
    // Something was written by the load itself, beyond the seed.
    expect(phase!.consistency.totals.submissions).toBeGreaterThan(figures.seededTradeIns);
    expect(figures.auditVerify.code).toBe(0);
  }, 180_000);
});
