// Random histories of grants, withdrawals, records, inspections, late catalogue resolutions and queries,
// as the hub can produce them, for the property tests of pointers (the expansion against per-row
// attribution; billing's count against the expansion). Data steps are written straight to the base tables,
// whose triggers keep the analytic store; query steps are left to each test.
import fc from 'fast-check';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DbOrTx } from '../../../src/db/database.ts';
import type { PolicyDimension, PolicyMeasure } from '../../../src/policy/policy-vocabulary.ts';

export const PURPOSE = 'product-rnd';
export const SUBJECTS = 6;
export const subjectId = (i: number) => `00000000-0000-4000-8000-00000000000${i}`;
export const platformOf = (i: number) => (i % 2 === 0 ? 'platform-a' : 'platform-b');

export type QueryStep = {
  kind: 'query';
  groupBy: PolicyDimension[];
  measures: PolicyMeasure[];
  filters: Record<string, string | string[]>;
  k: number;
  recordsPerSubject?: number;
};
export type DataStep =
  | { kind: 'consent'; subject: number; grant: boolean }
  | { kind: 'record'; subject: number; category: 'mobile_phone' | 'tablet'; month: number; model: 'X1' | 'X2'; catalogued: boolean }
  | { kind: 'inspect'; record: number; grade: 'A' | 'B' }
  | { kind: 'catalogue'; model: 'X1' | 'X2' };
export type Step = DataStep | QueryStep;

export const step = fc.oneof(
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

/** Random steps with most subjects' first record and grant shuffled in, so queries count someone. */
export function randomHistory(): fc.Arbitrary<Step[]> {
  const seeded: Step[] = Array.from({ length: SUBJECTS }, (_, i) => [
    { kind: 'record' as const, subject: i, category: 'mobile_phone' as const, month: 1 + (i % 3), model: 'X1' as const, catalogued: i % 3 !== 0 },
    { kind: 'consent' as const, subject: i, grant: true },
  ]).flat();
  return fc
    .tuple(fc.array(step as fc.Arbitrary<Step>, { minLength: 10, maxLength: 40 }), fc.shuffledSubarray(seeded, { minLength: 4 }))
    .chain(([random, seed]) => fc.shuffledSubarray([...seed, ...random], { minLength: seed.length + random.length }));
}

/**
 * Writes one data step at `now`. `seq` numbers each subject's consent events; `records` lists the records
 * written so far (an inspection picks one).
 */
export async function applyDataStep(tx: DbOrTx, s: DataStep, now: Date, seq: Map<number, number>, records: string[]): Promise<void> {
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
  } else {
    // A brand catalogues the model later: the records waiting for it resolve then (as the catalogue ingest does).
    await catalogueAndResolve(tx, s.model, now);
  }
}

async function catalogueAndResolve(tx: DbOrTx, model: string, now: Date): Promise<void> {
  await sql`
    insert into catalogue_models (brand, model, model_key, category, launch_month, launch_price_fen, party_id, created_at)
    values ('apple', ${model}, ${model.toLowerCase()}, 'mobile_phone', '2021-09-01', 500000, 'brand-a', ${now}) on conflict do nothing`.execute(tx);
  await sql`update records set model = ${model}, model_hash = null where brand = 'apple' and model is null and model_hash = ${Buffer.from(model)}`.execute(tx);
}
