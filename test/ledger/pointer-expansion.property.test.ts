import fc from 'fast-check';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../src/db/database.ts';
import { periodOf } from '../../src/ledger/periods.ts';
import { shareItems } from '../../src/ledger/period-allocation.ts';
import { allocationItems, consentPosition, insertPointer } from '../../src/ledger/pointers.repository.ts';
import { splitQueryCharge } from '../../src/ledger/revenue-split.ts';
import type { PolicyDimension, PolicyMeasure } from '../../src/policy/policy-vocabulary.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { perRowAttribution, type OracleRequest } from './support/per-row-attribution.ts';

/*
 * The pointer expansion against the per-row attribution it replaces: on random histories of grants,
 * withdrawals, records, inspections, late catalogue resolutions and queries, in random order, every query's
 * pointer — expanded afterwards, all at once, as the payout close does — gives exactly the per-subject
 * shares (and pools) the old code computed at the query's instant, the md5 tie-break included.
 */
const PURPOSE = 'product-rnd';
const PRICE = 7;
const SPLIT = { users: 5000, parties: 3000, hub: 2000 };
const SUBJECTS = 6;
const subjectId = (i: number) => `00000000-0000-4000-8000-00000000000${i}`;
const platformOf = (i: number) => (i % 2 === 0 ? 'platform-a' : 'platform-b');

type Step =
  | { kind: 'consent'; subject: number; grant: boolean }
  | { kind: 'record'; subject: number; category: 'mobile_phone' | 'tablet'; month: number; model: 'X1' | 'X2'; catalogued: boolean }
  | { kind: 'inspect'; record: number; grade: 'A' | 'B' }
  | { kind: 'catalogue'; model: 'X1' | 'X2' }
  | { kind: 'query'; groupBy: PolicyDimension[]; measures: PolicyMeasure[]; filters: Record<string, string | string[]>; k: number; recordsPerSubject?: number };

const step = fc.oneof(
  fc.record({ kind: fc.constant('consent' as const), subject: fc.integer({ min: 0, max: SUBJECTS - 1 }), grant: fc.boolean() }),
  fc.record({
    kind: fc.constant('record' as const),
    subject: fc.integer({ min: 0, max: SUBJECTS - 1 }),
    category: fc.constantFrom('mobile_phone' as const, 'tablet' as const),
    month: fc.integer({ min: 1, max: 3 }),
    model: fc.constantFrom('X1' as const, 'X2' as const),
    catalogued: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('inspect' as const), record: fc.nat(), grade: fc.constantFrom('A' as const, 'B' as const) }),
  fc.record({ kind: fc.constant('catalogue' as const), model: fc.constantFrom('X1' as const, 'X2' as const) }),
  fc
    .record({
      kind: fc.constant('query' as const),
      groupBy: fc.subarray(['category', 'model', 'tradeInMonth', 'grade'] as PolicyDimension[], { maxLength: 3 }),
      measures: fc.constantFrom<PolicyMeasure[]>(['count'], ['count', 'gradeDistribution']),
      filters: fc.oneof(
        fc.constant({}),
        fc.record({ category: fc.constant(['mobile_phone']) }),
        fc.record({ tradeInMonthFrom: fc.constant('2026-02') }),
        fc.record({ grade: fc.constant(['A']), tradeInMonthTo: fc.constant('2026-02') }),
      ),
      k: fc.integer({ min: 1, max: 3 }),
      bounded: fc.boolean(),
    })
    .map(({ bounded, ...query }) => ({
      ...query,
      // The per-subject bound is the subject's latest record overall; the old code ranked within the
      // filtered rows, so the two agree where nothing filters records before ranking.
      ...(bounded && Object.keys(query.filters).length === 0 && !query.groupBy.includes('model') ? { recordsPerSubject: 1 } : {}),
    })),
);

describe('pointer expansion against the per-row attribution', () => {
  let hub: TestHub;
  const db = () => hub.app.database.db;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub?.close());

  it('gives every query exactly the per-subject shares the per-row code gave at its instant', async () => {
    const compared = { queries: 0, shares: 0 };
    // Most subjects start with a record and a grant, shuffled into the random steps, so queries count someone.
    const seeded: Step[] = Array.from({ length: SUBJECTS }, (_, i) => [
      { kind: 'record' as const, subject: i, category: 'mobile_phone' as const, month: 1 + (i % 3), model: 'X1' as const, catalogued: i % 3 !== 0 },
      { kind: 'consent' as const, subject: i, grant: true },
    ]).flat();
    const history = fc
      .tuple(fc.array(step as fc.Arbitrary<Step>, { minLength: 10, maxLength: 40 }), fc.shuffledSubarray(seeded, { minLength: 4 }))
      .chain(([random, seed]) => fc.shuffledSubarray([...seed, ...random], { minLength: seed.length + random.length }));
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
  if (s.kind === 'consent') {
    const n = (seq.get(s.subject) ?? 0) + 1;
    seq.set(s.subject, n);
    const status = s.grant ? 'granted' : 'withdrawn';
    const id = uuidv7();
    await sql`
      insert into consent_events (subject_id, seq, position, id, purpose, action, status, policy_version, terms, expires_at, receipt_id, receipt, prev_hash, hash, created_at)
      values (${subjectId(s.subject)}, ${n}, hub_consent_position_next(), ${id}, ${PURPOSE}, ${s.grant ? 'grant' : 'withdraw'}, ${status}, 1, '{}'::jsonb,
        null, ${uuidv7()}, 'receipt', null, '\\x00'::bytea, ${now})`.execute(tx);
    await sql`
      insert into consents (subject_id, purpose, status, event_id, granted_at, expires_at, updated_at)
      values (${subjectId(s.subject)}, ${PURPOSE}, ${status}, ${id}, ${now}, null, ${now})
      on conflict (subject_id, purpose) do update set status = excluded.status, event_id = excluded.event_id, updated_at = excluded.updated_at`.execute(tx);
  } else if (s.kind === 'record') {
    const id = uuidv7();
    records.push(id);
    const listed = (await sql`select 1 from catalogue_models where brand = 'apple' and model = ${s.model}`.execute(tx)).rows.length > 0;
    const catalogued = s.catalogued || listed;
    // A model catalogued here for the first time is the brand's catalogue ingest: it resolves the records
    // waiting for it at the same instant, as the hub does (the expansion relies on that).
    if (s.catalogued && !listed) await catalogueAndResolve(tx, s.model, now);
    await sql`
      insert into records (id, category, brand, model, model_hash, usage_months, trade_in_month, channel, quoted_valuation_fen, created_at)
      values (${id}, ${s.category}, 'apple', ${catalogued ? s.model : null}, ${catalogued ? null : Buffer.from(s.model)}, 12, ${`2026-0${s.month}-01`}::date, 'online', 1000, ${now})`.execute(
      tx,
    );
    await sql`insert into record_subjects (subject_id, record_id, platform_id, created_at) values (${subjectId(s.subject)}, ${id}, ${platformOf(s.subject)}, ${now})`.execute(
      tx,
    );
  } else if (s.kind === 'inspect') {
    if (records.length === 0) return;
    await sql`
      insert into inspections (id, record_id, recycler_id, grade, inspected_month, faults, created_at)
      values (${uuidv7()}, ${records[s.record % records.length]!}, 'recycler-a', ${s.grade}, '2026-04-01', '{}', ${now})`.execute(tx);
  } else if (s.kind === 'catalogue') {
    // A brand catalogues the model later: the records waiting for it resolve then (as the catalogue ingest does).
    await catalogueAndResolve(tx, s.model, now);
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

async function catalogueAndResolve(tx: DbOrTx, model: string, now: Date): Promise<void> {
  await sql`
    insert into catalogue_models (brand, model, model_key, category, launch_month, launch_price_fen, party_id, created_at)
    values ('apple', ${model}, ${model.toLowerCase()}, 'mobile_phone', '2021-09-01', 500000, 'brand-a', ${now}) on conflict do nothing`.execute(tx);
  await sql`update records set model = ${model}, model_hash = null where brand = 'apple' and model is null and model_hash = ${Buffer.from(model)}`.execute(tx);
}
