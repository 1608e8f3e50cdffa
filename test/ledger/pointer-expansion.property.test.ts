import fc from 'fast-check';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../src/db/database.ts';
import { periodOf } from '../../src/ledger/periods.ts';
import { shareItems } from '../../src/ledger/period-allocation.ts';
import { allocationItems, consentPosition, insertPointer } from '../../src/ledger/pointers.repository.ts';
import { splitQueryCharge } from '../../src/ledger/revenue-split.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { perRowAttribution, type OracleRequest } from './support/per-row-attribution.ts';
import { PURPOSE, SUBJECTS, applyDataStep, platformOf, randomHistory, subjectId, type Step } from './support/random-history.ts';

/*
 * The pointer expansion against the per-row attribution it replaces: on random histories of grants,
 * withdrawals, records, inspections, late catalogue resolutions and queries, in random order, every query's
 * pointer — expanded afterwards, all at once, as the payout close does — gives exactly the per-subject
 * shares (and pools) the old code computed at the query's instant, the md5 tie-break included.
 */
const PRICE = 7;
const SPLIT = { users: 5000, parties: 3000, hub: 2000 };

describe('pointer expansion against the per-row attribution', () => {
  let hub: TestHub;
  const db = () => hub.app.database.db;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub?.close());

  it('gives every query exactly the per-subject shares the per-row code gave at its instant', async () => {
    const compared = { queries: 0, shares: 0 };
    const history = randomHistory();
    await fc.assert(
      fc.asyncProperty(history, async (steps) => {
        await sql`truncate consent_events, consents, records, record_subjects, inspections, catalogue_models, query_allocations, query_pointers, subjects`.execute(
          db(),
        );
        for (let i = 0; i < SUBJECTS; i++) {
          await sql`insert into subjects (id, platform_id, subject_ref_sealed, created_at) values (${subjectId(i)}, ${platformOf(i)}, '\\x00'::bytea, now())`.execute(
            db(),
          );
        }
        let clock = new Date('2026-05-01T00:00:00Z');
        const seq = new Map<number, number>();
        const records: string[] = [];
        const expected = new Map<string, { shares: Map<string, number>; platforms: Map<string, string> }>();
        for (const s of steps) {
          clock = new Date(clock.getTime() + 60_000);
          await db()
            .transaction()
            .execute(async (tx) => apply(tx, s, clock, seq, records, expected));
        }
        // The close: every pointer expanded in one pass.
        const actual = await db()
          .transaction()
          .execute(async (tx) => {
            const items = (await allocationItems(tx, '2026-05')).filter((item) => item.sign > 0);
            await shareItems(tx, items);
            const { rows } = await sql<{ query_id: string; subject_id: string; platform_id: string; share_fen: string }>`
          select query_id, subject_id, platform_id, share_fen from pointer_shares`.execute(tx);
            return rows;
          });
        for (const [queryId, oracle] of expected) {
          const mine = actual.filter((row) => row.query_id === queryId);
          expect(new Map(mine.map((row) => [row.subject_id, Number(row.share_fen)])), `query ${queryId}`).toEqual(oracle.shares);
          expect(new Map(mine.map((row) => [row.subject_id, row.platform_id]))).toEqual(oracle.platforms);
        }
        expect(new Set(actual.map((row) => row.query_id))).toEqual(new Set(expected.keys()));
        compared.queries += expected.size;
        compared.shares += actual.length;
      }),
      {
        numRuns: Number(process.env.POINTER_PROPERTY_RUNS ?? 40),
        ...(process.env.POINTER_PROPERTY_SEED ? { seed: Number(process.env.POINTER_PROPERTY_SEED) } : {}),
      },
    );
    // The histories must actually bill queries for the comparison to mean anything.
    expect(compared.queries).toBeGreaterThan(0);
    expect(compared.shares).toBeGreaterThan(compared.queries);
    console.log(`compared ${compared.queries} queries, ${compared.shares} shares`);
  }, 600_000);
});

async function apply(
  tx: DbOrTx,
  s: Step,
  now: Date,
  seq: Map<number, number>,
  records: string[],
  expected: Map<string, { shares: Map<string, number>; platforms: Map<string, string> }>,
): Promise<void> {
  if (s.kind !== 'query') {
    await applyDataStep(tx, s, now, seq, records);
  } else {
    const queryId = uuidv7();
    const request: OracleRequest = {
      purpose: PURPOSE,
      groupBy: s.groupBy,
      measures: s.measures,
      filters: s.filters,
      k: s.k,
      ...(s.recordsPerSubject === undefined ? {} : { recordsPerSubject: s.recordsPerSubject }),
    };
    const usersPool = (subjects: number) =>
      splitQueryCharge({ payerPartyId: 'brand-a', subjects, pricePerSubjectFen: PRICE, split: SPLIT, supplierDocuments: new Map() }).usersPoolFen;
    const oracle = await perRowAttribution(tx, request, queryId, usersPool, now);
    if (oracle.subjects === 0) return;
    expected.set(queryId, { shares: oracle.shares, platforms: oracle.platforms });
    const filterDims = Object.keys(s.filters).filter((name) => Array.isArray(s.filters[name]));
    await insertPointer(tx, {
      queryId,
      partyId: 'brand-a',
      purpose: PURPOSE,
      policyVersion: 1,
      period: periodOf(now),
      at: now,
      consentPosition: await consentPosition(tx),
      groupBy: s.groupBy,
      filters: s.filters,
      measures: s.measures,
      releasedKeys: oracle.releasedKeys.map((key) => JSON.stringify(key)),
      remainderReleased: oracle.remainderReleased,
      recordsPerSubject: s.recordsPerSubject ?? null,
      usesInspection: s.groupBy.includes('grade') || filterDims.includes('grade') || s.measures.includes('gradeDistribution'),
      usesDisposition: false,
      usesCatalogue: s.groupBy.includes('model'),
      pricePerSubjectFen: PRICE,
      billedSubjects: oracle.subjects,
      split: SPLIT,
      journalId: uuidv7(),
    });
  }
}
