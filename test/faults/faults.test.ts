import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseDownFault } from '../../bench/faults/database-down.fault.ts';
import { runHubKillFault } from '../../bench/faults/hub-kill.fault.ts';
import { runPostgresRestartFault } from '../../bench/faults/postgres-restart.fault.ts';
import { postgresBinariesAvailable, PrivatePostgres } from '../../bench/faults/private-postgres.ts';

// The fault scripts of bench/faults with fewer iterations (`npm run bench:faults` runs the full count). They
// start their own PostgreSQL with initdb/pg_ctl, so they run the same with or without DATABASE_URL and never
// touch the shared server; without the PostgreSQL server binaries (PG_BIN) they are skipped.
const available = await postgresBinariesAvailable();
const FAULT_TIMEOUT = 300_000;

describe.skipIf(!available)('faults (a private PostgreSQL, real hub and push processes)', () => {
  let server: PrivatePostgres;
  let workDir: string;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-faults-test-'));
    server = await PrivatePostgres.create();
  });

  afterAll(async () => {
    await server?.destroy();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it(
    'restarting PostgreSQL under a running push loses no acknowledged document and stores none twice',
    async () => {
      const figures = await runPostgresRestartFault({ server, workDir, iterations: 2, ordersPerPush: 1000, batch: 50 });
      // One clean shutdown and one crash-like one, each while the push still had rows to send.
      expect(figures.stopModes).toEqual({ fast: 1, immediate: 1 });
      expect(figures.restartsDuringPush).toBe(2);
      expect(figures.acknowledgedBeforeStop).toBeGreaterThan(0);
      expect(figures.lostAcrossRestart).toBe(0);
      expect(figures.pushes.map((push) => push.code)).toEqual([0, 0]);
      expect(figures.retries).toBeGreaterThan(0);
      expect(figures.stored).toMatchObject({ acknowledged: 2000, lost: 0, duplicated: 0, submissions: 2000, records: 2000, tickets: 2000 });
    },
    FAULT_TIMEOUT,
  );

  it(
    'a hub killed mid-batch and started again stores every document of the retried push exactly once',
    async () => {
      const figures = await runHubKillFault({ server, workDir, iterations: 2, ordersPerPush: 1000, batch: 50 });
      expect(figures.killsInsideTransaction).toBe(2);
      // The second kill lets its batch commit and loses the answer: the retry must get that batch back as replayed.
      expect(figures.answersCut).toBe(1);
      expect(figures.cutAnswersReplayed).toBe(1);
      expect(figures.pushes.map((push) => push.code)).toEqual([0, 0]);
      expect(figures.pushes.every((push) => push.accepted + push.replayed === 1000)).toBe(true);
      expect(figures.stored).toMatchObject({ acknowledged: 2000, lost: 0, duplicated: 0, submissions: 2000, records: 2000, tickets: 2000 });
    },
    FAULT_TIMEOUT,
  );

  it(
    'answers /readyz 503 while the database is down, accepts nothing, and recovers without a restart',
    async () => {
      const figures = await runDatabaseDownFault({ server, workDir, iterations: 1, outageMs: 1_500 });
      expect(Object.keys(figures.readyzWhileDown)).toEqual(['503']);
      expect(Object.keys(figures.healthzWhileDown)).toEqual(['200']);
      expect(figures.acceptedWhileDown).toBe(0);
      expect(figures.submissionStatusesWhileDown[0]).toBeUndefined();
      expect(figures.sameProcessThroughout).toBe(true);
      expect(figures.submissionAcceptedAfterMs.n).toBe(1);
      expect(figures.stored).toMatchObject({ acknowledged: 2, lost: 0, duplicated: 0 });
    },
    FAULT_TIMEOUT,
  );
});
