import fc from 'fast-check';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { exactBilling, runInsights, type InsightsRequest } from '../../src/insights/insights.service.ts';
import { shareItems } from '../../src/ledger/period-allocation.ts';
import { allocationItems, consentPosition } from '../../src/ledger/pointers.repository.ts';
import { billQuery } from '../../src/ledger/query-billing.ts';
import type { AllowedPolicy, PolicySet } from '../../src/policy/policy.types.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { PURPOSE, SUBJECTS, applyDataStep, platformOf, randomHistory, subjectId, type QueryStep } from './support/random-history.ts';

/*
 * Billing's count against the payout close's: on random histories of grants, withdrawals, records,
 * inspections, late catalogue resolutions and queries, every query answered exactly (noise off) through
 * runInsights is billed for the subjects its released rows count in the analytic store — no expansion at
 * query time — and the close, expanding every pointer afterwards in one pass, finds exactly that many.
 */
const BRAND: Principal = { kind: 'party', partyId: 'brand-a', role: 'brand' };

describe('billing an exact answer from the store', () => {
  let hub: TestHub;
  const db = () => hub.app.database.db;
  beforeAll(async () => {
    hub = await createTestHub();
    const { agreement } = (
      await hub.graphql(`mutation{requestAgreement(purpose:"${PURPOSE}"){... on AgreementResult{agreement{id}}}}`, {}, await hub.token('brand-a'))
    ).body.data.requestAgreement;
    await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));
  }, 120_000);
  afterAll(async () => hub?.close());

  /** The shipped policies with the purpose's k (and, if given, its records-per-subject bound) replaced. */
  const policiesWith = (k: number, recordsPerSubject?: number): PolicySet => {
    const shipped = hub.app.policies.get(PURPOSE) as AllowedPolicy;
    const dp = shipped.differentialPrivacy!;
    const policy: AllowedPolicy = { ...shipped, minGroupSize: k, differentialPrivacy: { ...dp, recordsPerSubject: recordsPerSubject ?? dp.recordsPerSubject } };
    return new Map([...hub.app.policies, [PURPOSE, policy]]);
  };

  const ask = async (s: QueryStep, now: Date, recordsPerSubject?: number) => {
    const request: InsightsRequest = { purpose: PURPOSE, groupBy: s.groupBy, measures: s.measures, filters: s.filters };
    const context = {
      db: hub.app.sessionFor(BRAND),
      policies: policiesWith(s.k, recordsPerSubject),
      now: () => now,
      secret: hub.app.secret,
      noise: 'off' as const,
    };
    const outcome = await runInsights(context, BRAND, request);
    if (!outcome.allowed) throw new Error(`the generated query must be allowed: ${outcome.decision.reasons.join('; ')}`);
    return outcome.answer;
  };

  /** What the close's expansion counts for each billed pointer, by query. */
  const closeCounts = async (): Promise<Map<string, number>> =>
    db()
      .transaction()
      .execute(async (tx) => {
        const { rows } = await sql<{ period: string }>`select distinct period from query_pointers`.execute(tx);
        const items = [];
        for (const { period } of rows) items.push(...(await allocationItems(tx, period)).filter((item) => item.sign > 0));
        const splits = await shareItems(tx, items);
        return new Map([...splits].map(([queryId, split]) => [queryId, split.subjects]));
      });

  const reset = async () => {
    await sql`truncate consent_events, consents, records, record_subjects, inspections, catalogue_models, query_allocations, query_pointers, subjects,
      insight_members, insight_cells, insight_cell_values, insight_cell_faults, insight_rollups, insight_rollup_values, insight_rollup_labels`.execute(db());
    for (let i = 0; i < SUBJECTS; i++) {
      await sql`insert into subjects (id, platform_id, subject_ref_sealed, created_at) values (${subjectId(i)}, ${platformOf(i)}, '\\x00'::bytea, now())`.execute(
        db(),
      );
    }
  };

  it('bills every query for exactly the subjects the close expands its pointer to', async () => {
    const compared = { queries: 0, billed: 0, subjects: 0 };
    await fc.assert(
      fc.asyncProperty(randomHistory(), async (steps) => {
        await reset();
        // Now onwards, a minute a step: the agreement was approved at the real now.
        let clock = new Date();
        const seq = new Map<number, number>();
        const records: string[] = [];
        const answered = new Map<string, { subjectsCounted: number; priceFen: number; rows: number }>();
        for (const s of steps) {
          clock = new Date(clock.getTime() + 60_000);
          if (s.kind === 'query') {
            const answer = await ask(s, clock);
            expect(answer.subjectsCounted, 'an exact answer tells its count').not.toBeNull();

            answered.set(answer.queryId, { subjectsCounted: answer.subjectsCounted!, priceFen: answer.priceFen!, rows: answer.rows.length });
          } else {
            const at = clock;
            await db()
              .transaction()
              .execute(async (tx) => applyDataStep(tx, s, at, seq, records));
          }
        }
        const { rows: pointers } = await sql<{ query_id: string; billed_subjects: number; price_fen: string }>`
          select query_id, billed_subjects, price_fen from query_pointers`.execute(db());
        const counted = await closeCounts();
        const price = (hub.app.policies.get(PURPOSE) as AllowedPolicy).pricePerSubjectFen;
        for (const [queryId, answer] of answered) {
          // The released rows' subjects are the bill (a released remainder row included).
          const pointer = pointers.find((p) => p.query_id === queryId);
          expect(answer.priceFen, `query ${queryId}`).toBe(answer.subjectsCounted * price);
          if (answer.subjectsCounted === 0) {
            expect(pointer, `query ${queryId}: nothing counted, nothing billed`).toBeUndefined();
            continue;
          }
          expect(pointer?.billed_subjects, `query ${queryId}: the pointer carries the billed count`).toBe(answer.subjectsCounted);
          expect(counted.get(queryId), `query ${queryId}: the close counts whom billing counted`).toBe(answer.subjectsCounted);
          compared.billed += 1;
          compared.subjects += answer.subjectsCounted;
        }
        expect(new Set(pointers.map((p) => p.query_id))).toEqual(new Set([...answered].filter(([, a]) => a.subjectsCounted > 0).map(([id]) => id)));
        compared.queries += answered.size;
      }),
      {
        numRuns: Number(process.env.POINTER_PROPERTY_RUNS ?? 40),
        ...(process.env.POINTER_PROPERTY_SEED ? { seed: Number(process.env.POINTER_PROPERTY_SEED) } : {}),
      },
    );
    // The histories must actually bill queries for the comparison to mean anything.
    expect(compared.billed).toBeGreaterThan(0);
    expect(compared.subjects).toBeGreaterThan(compared.billed);
    console.log(`compared ${compared.queries} queries, ${compared.billed} billed, ${compared.subjects} subjects`);
  }, 600_000);

  it('counts by expanding the pointer only where the store cannot tell: a bound above one record, a consent committed meanwhile', async () => {
    const rows = [
      { keys: ['X1'], remainder: false, subjects: 4, values: {} },
      { keys: [null], remainder: true, subjects: 3, values: {} },
    ];
    expect(exactBilling({ rows }, 1, '17')).toEqual({ kind: 'exact', subjects: 7, consentPositionBefore: '17' });
    expect(exactBilling({ rows }, 2, '17')).toEqual({ kind: 'expand' });
    // Under a bound of two records, a subject whose older record alone matches the filter is counted by the
    // close (and by billing's expansion), though the store, holding their latest only, does not count them.
    await reset();
    const seq = new Map<number, number>();
    const records: string[] = [];
    let clock = new Date();
    const write = async (s: Parameters<typeof applyDataStep>[1]) => {
      clock = new Date(clock.getTime() + 60_000);
      const at = clock;
      await db()
        .transaction()
        .execute(async (tx) => applyDataStep(tx, s, at, seq, records));
    };
    for (let i = 0; i < 3; i++) {
      await write({ kind: 'record', subject: i, category: 'mobile_phone', month: 1, model: 'X1', catalogued: true });
      await write({ kind: 'consent', subject: i, grant: true });
    }
    await write({ kind: 'record', subject: 0, category: 'tablet', month: 2, model: 'X1', catalogued: true });
    const phones: QueryStep = { kind: 'query', groupBy: [], measures: ['count'], filters: { category: ['mobile_phone'] }, k: 1 };
    clock = new Date(clock.getTime() + 60_000);
    const bounded = await ask(phones, clock);
    expect(bounded.rows.map((row) => row.subjects)).toEqual([2]);
    expect(bounded.subjectsCounted).toBe(2);
    clock = new Date(clock.getTime() + 60_000);
    const two = await ask(phones, clock, 2);
    expect(two.rows.map((row) => row.subjects)).toEqual([2]);
    expect(two.subjectsCounted).toBe(3);
    const counted = await closeCounts();
    expect(counted.get(bounded.queryId)).toBe(2);
    expect(counted.get(two.queryId)).toBe(3);

    // A consent committed between the store read and billing (the position moved): the store's count is not
    // trusted for the pointer, which is expanded instead.
    const policy = hub.app.policies.get(PURPOSE) as AllowedPolicy;
    const raced = await db()
      .transaction()
      .execute(async (tx) =>
        billQuery(tx, {
          queryId: uuidv7(),
          partyId: 'brand-a',
          policy,
          now: new Date(clock.getTime() + 60_000),
          request: { groupBy: [], filters: { category: ['mobile_phone'] }, measures: ['count'] },
          releasedKeys: [[]],
          remainderReleased: false,
          recordsPerSubject: 1,
          subjects: { kind: 'exact', subjects: 99, consentPositionBefore: String(Number(await consentPosition(tx)) - 1) },
        }),
      );
    expect(raced).toEqual({ subjectsCounted: 2, priceFen: 2 * policy.pricePerSubjectFen });
  }, 120_000);
});
