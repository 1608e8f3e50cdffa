import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparableStatistics, naiveStatistics, type NaiveRequest } from '../../bench/insights/naive-insights.ts';
import { changeConsent } from '../../src/consent/consent.service.ts';
import { planStatistics } from '../../src/insights/dp/dp-measures.ts';
import { expireDueConsents, readStoreStatistics, rebuildStore } from '../../src/insights/insights.repository.ts';
import type { AllowedPolicy } from '../../src/policy/policy.types.ts';
import { STORE_GRAINS, requestDimensions, sourceServes, type StoreSource } from '../../src/insights/store-resolution.ts';
import { startStoreDrainTimer } from '../../src/insights/store-drain-timer.ts';
import { createLogger } from '../../src/server/logger.ts';
import { catalogueModels } from '../support/catalogue.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

/** A small seeded generator (mulberry32): the population is "random" but the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09' },
  { brand: 'Apple', model: 'iPhone 12 128GB', category: 'mobile_phone', launchMonth: '2020-10' },
  { brand: '美的', model: 'BCD-516WKPZM', category: 'refrigerator', launchMonth: '2019-03' },
];
/** Traded in before the brand catalogues it: kept as a keyed hash until then. */
const UNLISTED = { brand: 'Apple', model: 'iPhone 14 256GB', category: 'mobile_phone', launchMonth: '2022-09' };
const REGIONS = ['110000', '440300', '440100', '320100', '310000'];
const FAULTS = ['screen_scratch_minor', 'glass_cracked', 'housing_dent', 'touch_fault', 'no_power'];
const GRADES = ['A', 'B', 'C', 'D', 'E'];
const DISPOSITIONS = ['resold_as_is', 'refurbished', 'parts_harvested', 'dismantled_recycled'];
const PURPOSES = ['product-rnd', 'recycling-optimization', 'precise-recommendation'];
const SUBJECTS = 70;

const subjectRef = (i: number) => `uStoreSubject-${i.toString(36).padStart(3, 'a')}-consenting`;

const REQUESTS: NaiveRequest[] = [
  {
    purpose: 'product-rnd',
    groupBy: ['model'],
    filters: {},
    measures: [
      'count',
      'usageMonthsAvg',
      'usageMonthsP50',
      'usageMonthsP90',
      'batteryHealthPctAvg',
      'faultRate',
      'gradeDistribution',
      'valuationP50',
      'residualRatioP50',
      'recoveryFunnel',
    ],
  },
  {
    purpose: 'product-rnd',
    groupBy: ['grade', 'ageBand'],
    filters: { tradeInMonthFrom: '2025-06', tradeInMonthTo: '2026-03' },
    measures: ['count', 'usageMonthsAvg', 'faultRate'],
  },
  {
    purpose: 'product-rnd',
    groupBy: ['province', 'usageBand'],
    filters: { category: ['mobile_phone'] },
    measures: ['count', 'batteryHealthPctAvg', 'valuationP50'],
  },
  { purpose: 'product-rnd', groupBy: ['brand'], filters: { model: ['iPhone 14 256GB', 'iPhone 12 128GB'] }, measures: ['count', 'residualRatioP50'] },
  { purpose: 'product-rnd', groupBy: [], filters: {}, measures: ['count', 'share', 'usageMonthsP90'] },
  {
    purpose: 'recycling-optimization',
    groupBy: ['prefecture', 'disposition'],
    filters: {},
    measures: ['count', 'co2eAvoidedKg', 'dispositionShares', 'batteryHealthPctAvg', 'valuationP50', 'recoveryFunnel'],
  },
  {
    purpose: 'recycling-optimization',
    groupBy: ['tradeInMonth', 'channel'],
    filters: { grade: ['A', 'B'] },
    measures: ['count', 'gradeDistribution', 'co2eAvoidedKg'],
  },
  {
    purpose: 'precise-recommendation',
    groupBy: ['newPurchaseCategory', 'category'],
    filters: { tradeInMonthFrom: '2025-01' },
    measures: ['count', 'usageMonthsAvg', 'usageMonthsP50'],
  },
  // Requests the rollups serve (each is also read from every larger grain and from the cells, below).
  {
    purpose: 'product-rnd',
    groupBy: ['model'],
    filters: { category: ['mobile_phone'] },
    measures: ['count', 'usageMonthsAvg', 'valuationP50', 'batteryHealthPctAvg', 'faultRate', 'gradeDistribution', 'residualRatioP50', 'usageMonthsP90'],
  },
  {
    purpose: 'product-rnd',
    groupBy: ['ageBand', 'grade'],
    filters: { model: ['iPhone 13 128GB', 'iPhone 12 128GB'] },
    measures: ['count', 'residualRatioP50'],
  },
  {
    purpose: 'product-rnd',
    groupBy: ['tradeInMonth'],
    filters: { tradeInMonthFrom: '2025-06', tradeInMonthTo: '2026-06', model: ['iPhone 13 128GB', 'iPhone 14 256GB'] },
    measures: ['count', 'share', 'usageMonthsP50', 'valuationP50'],
  },
  { purpose: 'product-rnd', groupBy: ['province'], filters: { category: ['mobile_phone'] }, measures: ['count', 'usageMonthsAvg', 'faultRate'] },
  {
    purpose: 'recycling-optimization',
    groupBy: ['brand'],
    filters: {},
    measures: ['count', 'share', 'gradeDistribution', 'dispositionShares', 'co2eAvoidedKg', 'batteryHealthPctAvg', 'valuationP50'],
  },
  {
    purpose: 'recycling-optimization',
    groupBy: ['category'],
    filters: { province: ['440000', '110000'], tradeInMonthFrom: '2025-01' },
    measures: ['count', 'dispositionShares', 'co2eAvoidedKg'],
  },
  {
    purpose: 'precise-recommendation',
    groupBy: [],
    filters: { tradeInMonthTo: '2026-01' },
    measures: ['count', 'usageMonthsAvg', 'usageMonthsP50', 'valuationP50'],
  },
];

describe('the analytic store', () => {
  let hub: TestHub;
  const rnd = random(20261207);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  /** Trade-in tickets, and which of them were inspected / disposed of. */
  const tickets: string[] = [];
  const inspected = new Set<string>();
  const disposed = new Set<string>();
  let documentNo = 0;

  const consentContext = () => ({
    db: hub.app.database.db,
    secret: hub.app.secret,
    policies: hub.app.policies,
    signingKey: hub.app.signingKey,
    hubId: hub.config.hubId,
    now: () => new Date(),
  });
  const granted = new Set<string>();
  const consent = async (i: number, purpose: string, action: 'grant' | 'withdraw') => {
    await changeConsent(consentContext(), { platformId: 'platform-a', subjectRef: subjectRef(i) }, purpose, action);
    if (action === 'grant') granted.add(`${i}/${purpose}`);
    else granted.delete(`${i}/${purpose}`);
  };

  async function tradeIns(subjects: readonly number[], months: readonly string[]): Promise<void> {
    const documents = subjects.map((i, n) => {
      const model = rnd() < 0.15 ? UNLISTED : pick(MODELS);
      const digital = model.category === 'mobile_phone';
      return {
        externalRef: `STORE-${documentNo++}`,
        subjectRef: subjectRef(i),
        recycler: 'recycler-a',
        category: model.category,
        brand: model.brand,
        model: model.model,
        usageMonths: 3 + Math.floor(rnd() * 150),
        tradeInMonth: months[n % months.length],
        regionCode: pick(REGIONS),
        channel: digital ? pick(['online', 'in_store']) : 'door_to_door',
        quotedValuationFen: 1000 * Math.floor(rnd() * 900) + Math.floor(rnd() * 1000),
        ...(rnd() < 0.5 ? { newPurchase: { category: model.category } } : {}),
      };
    });
    const { body } = await hub.graphql(
      'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionAccepted{ticket} ... on SubmissionRejected{errors{path code}}}}}}',
      { d: documents },
      await hub.token('platform-a'),
    );
    for (const result of body.data.submitTradeIns.results) {
      if (result.__typename !== 'SubmissionAccepted') throw new Error(JSON.stringify(result));
      tickets.push(result.ticket);
    }
  }

  async function inspect(chosen: readonly string[]): Promise<void> {
    const documents = chosen.map((ticket) => {
      inspected.add(ticket);
      const faults = FAULTS.filter(() => rnd() < 0.3);
      return {
        externalRef: `STORE-QC-${documentNo++}`,
        ticket,
        grade: pick(GRADES),
        inspectedMonth: '2026-10',
        faults,
        ...(rnd() < 0.7 ? { batteryHealthPct: 50 + Math.floor(rnd() * 51) } : {}),
        ...(rnd() < 0.6 ? { finalValuationFen: 1000 * Math.floor(rnd() * 800) + 500 } : {}),
      };
    });
    const { body } = await hub.graphql(
      'mutation($d:[JSON!]!){submitInspections(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionRejected{errors{path code}}}}}}',
      { d: documents },
      await hub.token('recycler-a'),
    );
    const refused = body.data.submitInspections.results.find((r: { __typename: string }) => r.__typename !== 'SubmissionAccepted');
    if (refused !== undefined) throw new Error(JSON.stringify(refused));
  }

  async function dispose(chosen: readonly string[]): Promise<void> {
    const documents = chosen.map((ticket) => {
      disposed.add(ticket);
      return {
        externalRef: `STORE-DP-${documentNo++}`,
        ticket,
        disposition: pick(DISPOSITIONS),
        completedMonth: '2026-11',
        weightKg: Math.round(rnd() * 600) / 10,
      };
    });
    const { body } = await hub.graphql(
      'mutation($d:[JSON!]!){submitDispositions(documents:$d){... on SubmissionBatch{results{__typename ... on SubmissionRejected{errors{path code}}}}}}',
      { d: documents },
      await hub.token('recycler-a'),
    );
    const refused = body.data.submitDispositions.results.find((r: { __typename: string }) => r.__typename !== 'SubmissionAccepted');
    if (refused !== undefined) throw new Error(JSON.stringify(refused));
  }

  /**
   * Every request: the store's statistics (after the expiry sweep at `now`) equal the naive SQL's, read from
   * the source the store chooses and from every other source that can serve it (each rollup grain holding
   * its dimensions, and the full cells).
   */
  async function expectStoreEqualsNaive(now: Date): Promise<void> {
    let fromRollups = 0;
    for (const request of REQUESTS) {
      const policy = hub.app.policies.get(request.purpose) as AllowedPolicy;
      const bounds = policy.differentialPrivacy!.bounds;
      const plan = planStatistics(request.measures);
      const dimensions = requestDimensions(request.groupBy, request.filters);
      const sources: (StoreSource | undefined)[] = [
        undefined,
        { kind: 'cells' },
        ...STORE_GRAINS.map((g): StoreSource => ({ kind: 'rollup', grain: g.grain })).filter((source) => sourceServes(source, dimensions, plan, bounds)),
      ];
      fromRollups += sources.length - 2;
      const naive = await naiveStatistics(hub.app.database.db, request, bounds, now);
      expect(naive.length, JSON.stringify(request)).toBeGreaterThan(0);
      for (const source of sources) {
        const store = await hub.app.database.db.transaction().execute(async (tx) => {
          await expireDueConsents(tx, request.purpose, now);
          return readStoreStatistics(tx, request, plan, bounds, source);
        });
        expect(comparableStatistics(store), `${JSON.stringify(request)} from ${JSON.stringify(source ?? 'the chosen source')}`).toEqual(
          comparableStatistics(naive),
        );
      }
    }
    // The rollups are exercised, at every grain.
    expect(fromRollups).toBeGreaterThanOrEqual(10);
    for (const { grain } of STORE_GRAINS) {
      expect(
        REQUESTS.some((r) =>
          sourceServes(
            { kind: 'rollup', grain },
            requestDimensions(r.groupBy, r.filters),
            planStatistics(r.measures),
            (hub.app.policies.get(r.purpose) as AllowedPolicy).differentialPrivacy!.bounds,
          ),
        ),
        `grain ${grain}`,
      ).toBe(true);
    }
  }

  beforeAll(async () => {
    hub = await createTestHub({ env: { HUB_INSIGHTS_NOISE: 'off' } });
    await catalogueModels(hub, MODELS);
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => i);
    await tradeIns(subjects, ['2025-02', '2025-07', '2025-11', '2026-01', '2026-04']);
    // A third of the subjects traded in twice: their latest record is the one that counts.
    await tradeIns(
      subjects.filter((i) => i % 3 === 0),
      ['2024-11', '2026-06'],
    );
    await inspect(tickets.filter(() => rnd() < 0.6));
    await dispose([...inspected].filter(() => rnd() < 0.5));
    for (const i of subjects) {
      for (const purpose of PURPOSES) if (rnd() < 0.75) await consent(i, purpose, 'grant');
    }
  }, 600_000);
  afterAll(async () => hub.close());

  it('answers every request as the naive SQL over the same consenting subjects does', async () => {
    await expectStoreEqualsNaive(new Date());
  });

  it('stays exact after withdrawals, late inspections, dispositions, new trade-ins and an unlisted model catalogued', async () => {
    const withdrawing = Array.from({ length: SUBJECTS }, (_, i) => i).filter((i) => i % 5 === 0 && granted.has(`${i}/product-rnd`));
    expect(withdrawing.length).toBeGreaterThan(3);
    for (const i of withdrawing) await consent(i, 'product-rnd', 'withdraw');
    await consent(withdrawing[0]!, 'product-rnd', 'grant');
    await inspect(tickets.filter((t) => !inspected.has(t)).filter(() => rnd() < 0.4));
    await dispose([...inspected].filter((t) => !disposed.has(t)).filter(() => rnd() < 0.5));
    // A second inspection of an inspected device: the latest one counts.
    await inspect([...inspected].slice(0, 5));
    await tradeIns([2, 4, 8, 16], ['2026-09']);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from records where model is null`.execute(hub.app.database.db);
    expect(rows[0]!.n).toBeGreaterThan(0);
    await catalogueModels(hub, [UNLISTED]);
    const after = await sql<{ n: number }>`select count(*)::int as n from records where model is null`.execute(hub.app.database.db);
    expect(after.rows[0]!.n).toBe(0);
    await expectStoreEqualsNaive(new Date());
  });

  it("queues a trade-in's addition for the next read, which applies it; takes a withdrawal out before its transaction commits", async () => {
    const counted = async (month?: string) =>
      (
        await sql<{ n: number }>`select coalesce(sum(records), 0)::int as n from insight_cells where purpose = 'product-rnd'
          and (${month ?? null}::date is null or trade_in_month = ${month ?? null}::date)`.execute(hub.app.database.db)
      ).rows[0]!.n;
    const queued = async () => (await sql<{ n: number }>`select count(*)::int as n from insight_store_pending`.execute(hub.app.database.db)).rows[0]!.n;
    const [trading, withdrawing] = Array.from({ length: SUBJECTS }, (_, i) => i).filter((i) => granted.has(`${i}/product-rnd`));
    await expectStoreEqualsNaive(new Date());
    expect(await queued()).toBe(0);
    const total = await counted();
    expect(await counted('2026-10-01')).toBe(0);

    // A consenting subject's newer trade-in: queued by the ingest's transaction, not yet in the cells.
    await tradeIns([trading!], ['2026-10']);
    expect(await queued()).toBeGreaterThan(0);
    expect(await counted('2026-10-01')).toBe(0);

    // Another subject's withdrawal is out of the cells as soon as it commits, with nothing read in between.
    await consent(withdrawing!, 'product-rnd', 'withdraw');
    expect(await counted()).toBe(total - 1);

    // The next read drains the queue in its own transaction: the trade-in counts, and every answer is exact.
    await expectStoreEqualsNaive(new Date());
    expect(await queued()).toBe(0);
    expect(await counted('2026-10-01')).toBe(1);
    expect(await counted()).toBe(total - 1);
  });

  it("applies the queue in the background, with no read, when the serving hub's drain timer runs", async () => {
    const queued = async () => (await sql<{ n: number }>`select count(*)::int as n from insight_store_pending`.execute(hub.app.database.db)).rows[0]!.n;
    const inMonth = async () =>
      (
        await sql<{
          n: number;
        }>`select coalesce(sum(records), 0)::int as n from insight_cells where purpose = 'product-rnd' and trade_in_month = '2026-11-01'`.execute(
          hub.app.database.db,
        )
      ).rows[0]!.n;
    const subject = Array.from({ length: SUBJECTS }, (_, i) => i).filter((i) => granted.has(`${i}/product-rnd`))[2]!;
    expect(await inMonth()).toBe(0);
    await tradeIns([subject], ['2026-11']);
    expect(await queued()).toBeGreaterThan(0);
    const stop = startStoreDrainTimer(hub.app.database.db, 1, createLogger('silent'));
    try {
      const deadline = Date.now() + 30_000;
      while ((await queued()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      stop();
    }
    expect(await queued()).toBe(0);
    expect(await inMonth()).toBe(1);
    await expectStoreEqualsNaive(new Date());
  }, 60_000);

  // Before the expiry test below, which shortens consents in the projection only (the ledger's events, which
  // billing reads, keep their terms).
  it('releases, with noise off, exactly what the naive statistics give, and bills the same subjects', async () => {
    const brand = await hub.token('brand-a');
    const { agreement } = (await hub.graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, brand)).body.data
      .requestAgreement;
    await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));
    const { body } = await hub.graphql(
      `query { insights(purpose: "product-rnd", groupBy: [], measures: [count, usageMonthsAvg, recoveryFunnel]) {
      __typename ... on Insights { queryId rows { subjects values } subjectsCounted } } }`,
      {},
      brand,
    );
    const answer = body.data.insights;
    const naive = await naiveStatistics(hub.app.database.db, { purpose: 'product-rnd', groupBy: [], filters: {}, measures: ['count'] }, {}, new Date());
    expect(answer.rows).toHaveLength(1);
    expect(answer.rows[0].subjects).toBe(naive[0]!.records);
    expect(answer.subjectsCounted).toBe(naive[0]!.records);
    const { records, inspected: inspectedRecords, disposed: disposedRecords } = naive[0]!;
    expect(disposedRecords).toBeGreaterThan(0);
    expect(answer.rows[0].values.recoveryFunnel).toEqual({
      tradedIn: records,
      inspected: inspectedRecords,
      disposed: disposedRecords,
      recoveryRate: disposedRecords / records,
    });
    // Who was counted is one pointer (src/ledger/query-billing.ts), not a row per subject.
    const pointers = await sql<{ n: number }>`select count(*)::int as n from query_pointers where query_id = ${answer.queryId}::uuid`.execute(
      hub.app.database.db,
    );
    const contributions = await sql<{ n: number }>`select count(*)::int as n from contributions where query_id = ${answer.queryId}::uuid`.execute(
      hub.app.database.db,
    );
    expect([pointers.rows[0]!.n, contributions.rows[0]!.n]).toEqual([1, 0]);
  });

  it("stops counting consents whose expiry passed, at the query's instant, without any write", async () => {
    // Expiring in a few seconds: counted now; then, with nothing written, out of the next query.
    const expiry = new Date(Date.now() + 3000);
    await sql`update consents set expires_at = ${expiry} where purpose = 'product-rnd' and status = 'granted' and subject_id in (select subject_id from consents where purpose = 'product-rnd' and status = 'granted' order by subject_id limit 6)`.execute(
      hub.app.database.db,
    );
    const counted = async () =>
      (await sql<{ n: number }>`select coalesce(sum(records), 0)::int as n from insight_cells where purpose = 'product-rnd'`.execute(hub.app.database.db))
        .rows[0]!.n;
    await expectStoreEqualsNaive(new Date());
    const before = await counted();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry.getTime() - Date.now() + 200)));
    await expectStoreEqualsNaive(new Date());
    expect(await counted()).toBe(before - 6);
  });

  it('rebuilds from the base tables: nothing to report when the triggers kept up, a corrupted cell reported and repaired', async () => {
    const run = (repair: boolean) => hub.app.database.db.transaction().execute((tx) => rebuildStore(tx, new Date(), { repair }));
    const clean = await run(true);
    const none = { added: 0, changed: 0, removed: 0 };
    expect(clean).toEqual({ cells: none, values: none, faults: none, rollups: none, rollupValues: none, rollupLabels: none, repaired: false });
    await sql`update insight_cells set records = records + 3 where id = (select min(id) from insight_cells where records > 0)`.execute(hub.app.database.db);
    await sql`delete from insight_cell_values where (cell_id, input, value) in (select cell_id, input, value from insight_cell_values order by cell_id desc limit 1)`.execute(
      hub.app.database.db,
    );
    await sql`update insight_rollups set disposed = disposed + 1 where id = (select min(id) from insight_rollups where grain = 3 and records > 0)`.execute(
      hub.app.database.db,
    );
    await sql`delete from insight_rollup_values where (rollup_id, input, value) in (select rollup_id, input, value from insight_rollup_values where input = 4 order by rollup_id desc limit 1)`.execute(
      hub.app.database.db,
    );
    await sql`update insight_rollup_labels set n = n + 2 where (rollup_id, kind, label, position) in (select rollup_id, kind, label, position from insight_rollup_labels where kind = 3 order by rollup_id limit 1)`.execute(
      hub.app.database.db,
    );
    const corrupted = await run(true);
    expect(corrupted.cells.changed).toBe(1);
    expect(corrupted.values.added).toBe(1);
    expect(corrupted.rollups.changed).toBe(1);
    expect(corrupted.rollupValues.added).toBe(1);
    expect(corrupted.rollupLabels.changed).toBe(1);
    expect(corrupted.repaired).toBe(true);
    expect(await run(false)).toEqual({ cells: none, values: none, faults: none, rollups: none, rollupValues: none, rollupLabels: none, repaired: false });
    await expectStoreEqualsNaive(new Date());
  });
});
