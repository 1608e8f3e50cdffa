// Insights latency from the analytic store: the answer path (expiry sweep, store reads, exact release) and
// the whole runInsights (policy, answer, billing, access log), against the naive SQL computing the same
// statistics from the base tables, on the same scratch database in the same run; the consent-change and
// ingest upkeep the store's triggers add; and a check that a consent withdrawal is out of the very next
// query.
//
//   npm run bench:insights                                  # 5,000,000 records, 7 repeats
//   BENCH_RECORDS=200000 BENCH_REPEATS=3 npm run bench:insights
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { actAs } from '../../src/db/act-as.ts';
import type { Db } from '../../src/db/database.ts';
import { planStatistics } from '../../src/insights/dp/dp-measures.ts';
import { releaseExactAnswer } from '../../src/insights/dp/release-exact-answer.ts';
import type { GroupStatistics } from '../../src/insights/dp/release-noisy-answer.ts';
import { expireDueConsents, readStoreStatistics, rebuildStore } from '../../src/insights/insights.repository.ts';
import type { AllowedPolicy } from '../../src/policy/policy.types.ts';
import { runInsights, type InsightsAnswer, type InsightsContext, type InsightsRequest } from '../../src/insights/insights.service.ts';
import type { RequestFilters } from '../../src/policy/evaluate-policy.ts';
import { SHIPPED_POLICIES_DIR, loadPolicies } from '../../src/policy/load-policies.ts';
import type { Principal } from '../../src/server/auth.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { BENCH_BRAND, BENCH_PURPOSE, generateInsightsDataSet } from './insights-data-set.ts';
import { comparableStatistics, naiveStatistics } from './naive-insights.ts';
import { StatementTimer, type TimedStatement } from './statement-timer.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 5_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
// BENCH_DB_NAME: a scratch database of one's own when several people bench on one server.
const DB_NAME = process.env.BENCH_DB_NAME ?? 'tradein_bench_insights';
const PLANS_FILE = process.env.BENCH_PLANS_FILE ?? path.join(os.tmpdir(), `insights-bench-plans-${RECORDS}.txt`);
const PRINCIPAL: Principal = { kind: 'party', partyId: BENCH_BRAND, role: 'brand' };

interface QueryCase {
  name: 'category' | 'catalogue';
  title: string;
  categories: string[] | undefined;
  targetMs: number;
}

const CASES: QueryCase[] = [
  { name: 'category', title: 'one category (mobile_phone), by model', categories: ['mobile_phone'], targetMs: 60 },
  { name: 'catalogue', title: 'whole catalogue, by model', categories: undefined, targetMs: 150 },
];

function requestFor(queryCase: QueryCase): InsightsRequest {
  const filters: RequestFilters = queryCase.categories === undefined ? {} : { category: queryCase.categories };
  return { purpose: BENCH_PURPOSE, groupBy: ['model'], measures: ['count', 'usageMonthsAvg', 'valuationP50'], filters };
}

interface Spread {
  p50: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const p50 = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { p50: Number(p50.toFixed(1)), min: Number(sorted[0]!.toFixed(1)), max: Number(sorted.at(-1)!.toFixed(1)) };
}

/** Noise is off, so runInsights tells the exact count. */
function subjectsCounted(answer: InsightsAnswer): number {
  if (answer.subjectsCounted === null) throw new Error('runInsights withheld subjectsCounted; the bench runs with noise off');
  return answer.subjectsCounted;
}

async function hubQuery(
  context: InsightsContext,
  timer: StatementTimer,
  queryCase: QueryCase,
): Promise<{ ms: number; answer: InsightsAnswer; statements: TimedStatement[] }> {
  timer.take();
  const started = performance.now();
  const outcome = await runInsights(context, PRINCIPAL, requestFor(queryCase));
  const ms = performance.now() - started;
  if (!outcome.allowed) throw new Error(`runInsights denied the bench query: ${outcome.decision.reasons.join('; ')}`);
  return { ms, answer: outcome.answer, statements: timer.take() };
}

/** The answer path alone, as runInsights runs it for an allowed request: sweep, store reads, exact release. */
async function storeAnswer(db: Db, policy: AllowedPolicy, queryCase: QueryCase): Promise<{ ms: number; groups: GroupStatistics[] }> {
  const started = performance.now();
  const request = requestFor(queryCase);
  const groups = await db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_analytics');
    await expireDueConsents(tx, BENCH_PURPOSE, new Date());
    const read = await readStoreStatistics(tx, request, planStatistics(request.measures), policy.differentialPrivacy!.bounds);
    releaseExactAnswer(read, request.measures, policy.differentialPrivacy!, policy.minGroupSize);
    return read;
  });
  return { ms: performance.now() - started, groups };
}

async function naiveQuery(
  db: Db,
  timer: StatementTimer,
  policy: AllowedPolicy,
  queryCase: QueryCase,
): Promise<{ ms: number; groups: GroupStatistics[]; statements: TimedStatement[] }> {
  timer.take();
  const started = performance.now();
  const groups = await naiveStatistics(db, requestFor(queryCase), policy.differentialPrivacy!.bounds, new Date());
  return { ms: performance.now() - started, groups, statements: timer.take() };
}

/** Per statement label, the wall time summed within one call; one array entry per call. */
function collectBreakdown(into: Map<string, number[]>, statements: TimedStatement[]): void {
  const perCall = new Map<string, number>();
  for (const statement of statements) perCall.set(statement.label, (perCall.get(statement.label) ?? 0) + statement.ms);
  for (const [label, ms] of perCall) into.set(label, [...(into.get(label) ?? []), ms]);
}

/** Throws unless the store and the naive SQL give the same statistics, group for group. */
function assertSameStatistics(store: GroupStatistics[], naive: GroupStatistics[]): void {
  const a = JSON.stringify(comparableStatistics(store));
  const b = JSON.stringify(comparableStatistics(naive));
  if (a !== b) throw new Error(`the store and the naive SQL disagree (${store.length} vs ${naive.length} groups)`);
}

/**
 * Replays the statements one call ran, in order, inside a transaction that is rolled back, with
 * EXPLAIN (ANALYZE, BUFFERS) on the heavy ones. Writes to the ledger and the access log are not replayed:
 * they would claim the recorded journal id and chain position again (the replay used to re-insert the
 * recorded journal id and crash before the summary), and nothing explained reads them. The query id is
 * replaced so the replayed contributions do not collide with the stored ones.
 */
const NOT_REPLAYED =
  /^(insert into|update|delete from) (journals|journal_lines|account_balances|ledger_periods|access_log|hub_settings|dp_budget|dp_releases)\b|hub_access_log_tail|hub_settings|access_log/;

async function explainCall(url: string, title: string, statements: TimedStatement[], queryId: string | undefined): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out: string[] = [`==== ${title}`];
  try {
    await client.query('begin');
    // The session the hub ran the call in: the party its row-level security names (the role is set by the
    // recorded statements themselves).
    await client.query("select set_config('hub.party_id', $1, true)", [BENCH_BRAND]);
    const fresh = new Map<unknown, string>(queryId === undefined ? [] : [[queryId, uuidv7()]]);
    for (const statement of statements) {
      if (NOT_REPLAYED.test(statement.label) || NOT_REPLAYED.test(statement.sql)) continue;
      const parameters = statement.parameters.map((p) => fresh.get(p) ?? p) as unknown[];
      if (
        /^(create temp table|insert into contributions|select … from (insight_base|insight_cells|naive_base|records))/.test(statement.label) ||
        /insight_cells/.test(statement.sql)
      ) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.sql}`, parameters);
        out.push(`---- ${statement.label} (${Math.round(statement.ms)} ms when measured, without EXPLAIN)`, ...plan.rows.map((row) => row['QUERY PLAN']));
      } else {
        await client.query(statement.sql, parameters);
      }
    }
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
  return out.join('\n');
}

/**
 * Median of alternating timed runs of two variants of one write, each in its own transaction. The bare
 * variant runs on its own session with the hub's triggers off (session_replication_role = replica, set once):
 * switching the role within one session flushes that session's plan cache, so the upkeep statement was
 * re-planned on every measured change (~6 ms of the 7.7 ms first recorded), which a hub connection never does.
 */
async function alternate(
  client: pg.Client,
  bareClient: pg.Client,
  rounds: number,
  withStore: (client: pg.Client) => Promise<void>,
  bare: (client: pg.Client) => Promise<void>,
  commit: boolean,
): Promise<{ store: Spread; bare: Spread }> {
  const store: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [work, into, session] of [
      [withStore, store, client],
      [bare, plain, bareClient],
    ] as const) {
      await session.query('begin');
      const started = performance.now();
      await work(session);
      into.push(performance.now() - started);
      await session.query(commit ? 'commit' : 'rollback');
    }
  }
  return { store: spread(store), bare: spread(plain) };
}

async function main(url: string): Promise<void> {
  let handle: DatabaseHandle | undefined;
  const client = new pg.Client({ connectionString: url });
  const bareClient = new pg.Client({ connectionString: url });
  try {
    handle = await openDatabase({ kind: 'postgres', url });
    await migrateToLatest(handle.db);
    const generationStarted = performance.now();
    console.error(`generating ${RECORDS.toLocaleString('en')} records in PostgreSQL…`);
    const dataSet = await generateInsightsDataSet(url, { records: RECORDS, now: new Date() });
    const generationSeconds = Number(((performance.now() - generationStarted) / 1000).toFixed(1));
    console.error(`data set ready in ${generationSeconds} s (not a result): ${JSON.stringify({ ...dataSet, phaseSeconds: undefined })}`);

    const timer = new StatementTimer();
    // As the hub serves a party: its own session (row-level security names the party), the analytics role inside.
    const db = handle.session({ role: 'hub_app', partyId: BENCH_BRAND }).withPlugin(timer);
    const policies = await loadPolicies(SHIPPED_POLICIES_DIR);
    const policy = policies.get(BENCH_PURPOSE) as AllowedPolicy;
    // Noise off: the bench compares the store's exact statistics with the naive SQL's, figure for figure.
    const context: InsightsContext = { db, policies, now: () => new Date(), secret: randomBytes(32), noise: 'off' };

    // One unmeasured round so every side starts from the same warm cache.
    for (const queryCase of CASES) {
      await storeAnswer(handle.db, policy, queryCase);
      await hubQuery(context, timer, queryCase);
      await naiveQuery(handle.db.withPlugin(timer), timer, policy, queryCase);
    }

    const samples = new Map(
      CASES.map((c) => [c.name, { store: [] as number[], hub: [] as number[], naive: [] as number[], breakdown: new Map<string, number[]>() }]),
    );
    const last = new Map<string, { hub: Awaited<ReturnType<typeof hubQuery>>; naive: Awaited<ReturnType<typeof naiveQuery>>; groups: number }>();
    // Interleaved, so a noisy moment on the shared machine hits every side alike.
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      for (const queryCase of CASES) {
        const store = await storeAnswer(handle.db, policy, queryCase);
        const hub = await hubQuery(context, timer, queryCase);
        const naive = await naiveQuery(handle.db.withPlugin(timer), timer, policy, queryCase);
        assertSameStatistics(store.groups, naive.groups);
        const s = samples.get(queryCase.name)!;
        s.store.push(store.ms);
        s.hub.push(hub.ms);
        s.naive.push(naive.ms);
        collectBreakdown(s.breakdown, hub.statements);
        last.set(queryCase.name, { hub, naive, groups: store.groups.length });
        console.error(
          `  repeat ${repeat}/${REPEATS} ${queryCase.name}: store answer ${Math.round(store.ms)} ms, runInsights ${Math.round(hub.ms)} ms, naive SQL ${Math.round(naive.ms)} ms`,
        );
      }
    }

    await client.connect();
    await bareClient.connect();
    await bareClient.query("set session_replication_role = 'replica'");
    // Consent change: one subject's projection row withdrawn, with the store's triggers and without.
    const consenting = (
      await client.query<{ subject_id: string }>(`select subject_id from consents where purpose = $1 and status = 'granted' order by subject_id limit 40`, [
        BENCH_PURPOSE,
      ])
    ).rows.map((r) => r.subject_id);
    let round = 0;
    const withdraw = async (session: pg.Client) => {
      await session.query(
        `update consents set status = 'withdrawn', expires_at = null, event_id = $3, updated_at = now() where subject_id = $1 and purpose = $2`,
        [consenting[round++ % consenting.length], BENCH_PURPOSE, uuidv7()],
      );
    };
    const consentChange = await alternate(client, bareClient, 15, withdraw, withdraw, false);
    console.error(`  consent change: with the store p50 ${consentChange.store.p50} ms, bare projection update p50 ${consentChange.bare.p50} ms`);

    // Ingest: a batch of 1,000 trade-ins of consenting subjects (each their new latest record), with and without
    // upkeep. The upkeep queues the subjects (migration 2026-12-07T22-04-00); the next store read applies them,
    // timed here as the drain it runs first, in the batch's transaction after the timed inserts.
    let batchNo = 0;
    const batchTimes: number[] = [];
    const drainTimes: number[] = [];
    const ingestBatch = async (session: pg.Client) => {
      await session.query(
        `
        create temp table bench_batch on commit drop as
        select gen_random_uuid() as new_id, rs.subject_id, rs.platform_id, rs.record_id as old_id
        from record_subjects rs join consents c on c.subject_id = rs.subject_id and c.purpose = $1 and c.status = 'granted'
        order by rs.subject_id limit 1000 offset $2`,
        [BENCH_PURPOSE, 1000 * (batchNo++ % 50)],
      );
      const started = performance.now();
      await session.query(`
        insert into records (id, category, brand, model, usage_months, trade_in_month, region_code, channel, quoted_valuation_fen, created_at)
        select b.new_id, r.category, r.brand, r.model, r.usage_months, date '2026-11-01', r.region_code, r.channel, r.quoted_valuation_fen, now()
        from bench_batch b join records r on r.id = b.old_id`);
      await session.query(
        `insert into record_subjects (subject_id, record_id, platform_id, created_at) select subject_id, new_id, platform_id, now() from bench_batch`,
      );
      batchTimes.push(performance.now() - started);
      if (session === client) {
        const drainStarted = performance.now();
        await session.query('select insight_store_drain(now())');
        drainTimes.push(performance.now() - drainStarted);
      }
    };
    await alternate(client, bareClient, 7, ingestBatch, ingestBatch, false);
    const withUpkeep = spread(batchTimes.filter((_, i) => i % 2 === 0));
    const bareBatch = spread(batchTimes.filter((_, i) => i % 2 === 1));
    const drain = spread(drainTimes);
    console.error(
      `  ingest batch of 1,000: inserts with upkeep p50 ${withUpkeep.p50} ms, bare inserts p50 ${bareBatch.p50} ms; the next read's drain p50 ${drain.p50} ms`,
    );

    // Consent freshness: withdraw one counted subject, as the consent service commits it, and ask again.
    const category = CASES[0]!;
    const before = await hubQuery(context, timer, category);
    // A subject the one-category answer counts: a product-rnd member whose latest record is a catalogued phone
    // (billing no longer writes per-subject contribution rows to pick one from).
    const subject = (
      await sql<{ subject_id: string }>`
      select m.subject_id from insight_members m join insight_cells c on c.id = m.cell_id
      where m.purpose = ${BENCH_PURPOSE} and c.category = 'mobile_phone' and c.model is not null order by m.subject_id limit 1`.execute(handle.db)
    ).rows[0]!.subject_id;
    const counted = (
      await sql<{ model: string }>`
      select r.model from record_subjects rs join records r on r.id = rs.record_id where rs.subject_id = ${subject}
      order by r.trade_in_month desc, r.id desc limit 1`.execute(handle.db)
    ).rows[0]!.model;
    const withdrawn = await handle.db.transaction().execute(async (tx) =>
      sql`
      update consents set status = 'withdrawn', expires_at = null, event_id = ${uuidv7()}, updated_at = ${new Date()}
      where subject_id = ${subject} and purpose = ${BENCH_PURPOSE} and status = 'granted'`.execute(tx),
    );
    const after = await hubQuery(context, timer, category);
    // Noise is off: the released rows' subjects add up to the subjects the answer counted (billing now takes
    // subjectsCounted from the same counts; this data set writes consents but no consent ledger events, so a
    // payout close would expand its pointers to nobody — the bench never closes).
    const total = (answer: InsightsAnswer) => answer.rows.reduce((sum, row) => sum + (row.subjects ?? 0), 0);
    const modelBefore = before.answer.rows.find((row) => row.keys.model === counted)!.subjects;
    const modelAfter = after.answer.rows.find((row) => row.keys.model === counted)!.subjects;
    const freshness = {
      passed: Number(withdrawn.numAffectedRows ?? 0n) === 1 && total(after.answer) === total(before.answer) - 1 && modelAfter === modelBefore - 1,
      subjectsCountedBefore: total(before.answer),
      subjectsCountedAfter: total(after.answer),
    };
    console.error(
      `consent freshness: ${freshness.passed ? 'PASS' : 'FAIL'}: ${freshness.subjectsCountedBefore} → ${freshness.subjectsCountedAfter} subjects; ${counted}: ${modelBefore} → ${modelAfter}`,
    );

    // The rebuild agrees with what the triggers kept through all of the above.
    const rebuildStarted = performance.now();
    const rebuild = await handle.db.transaction().execute((tx) => rebuildStore(tx, new Date(), { repair: false }));
    const rebuildSeconds = Number(((performance.now() - rebuildStarted) / 1000).toFixed(1));
    console.error(`rebuild check in ${rebuildSeconds} s: ${JSON.stringify(rebuild)}`);

    // Where the time goes: the last measured call of each kind, replayed under EXPLAIN (ANALYZE, BUFFERS).
    const plans: string[] = [];
    for (const queryCase of CASES) {
      const { hub, naive } = last.get(queryCase.name)!;
      plans.push(await explainCall(url, `runInsights, ${queryCase.title}`, hub.statements, hub.answer.queryId));
      plans.push(await explainCall(url, `naive SQL, ${queryCase.title}`, naive.statements, undefined));
    }
    await fs.writeFile(PLANS_FILE, `${plans.join('\n\n')}\n`);

    const sizes = (
      await sql<{ cells: number; values: number; faults: number }>`
      select (select count(*)::int from insight_cells where records > 0) as cells, (select count(*)::int from insight_cell_values) as values,
        (select count(*)::int from insight_cell_faults) as faults`.execute(handle.db)
    ).rows[0]!;

    const results = CASES.map((queryCase) => {
      const s = samples.get(queryCase.name)!;
      const store = spread(s.store);
      const hub = spread(s.hub);
      const naive = spread(s.naive);
      const { hub: lastHub, groups } = last.get(queryCase.name)!;
      return {
        query: queryCase.name,
        storeMs: store,
        hubMs: hub,
        naiveMs: naive,
        ratio: Number((store.p50 / naive.p50).toFixed(4)),
        targetMs: queryCase.targetMs,
        met: store.p50 <= queryCase.targetMs,
        groups,
        rows: lastHub.answer.rows.length,
        subjectsCounted: subjectsCounted(lastHub.answer),
        statementsP50Ms: Object.fromEntries([...s.breakdown].map(([label, ms]) => [label, spread(ms).p50])),
      };
    });
    const consentOverhead = Number((consentChange.store.p50 - consentChange.bare.p50).toFixed(2));
    const upkeepRatio = Number(((withUpkeep.p50 - bareBatch.p50) / bareBatch.p50).toFixed(2));
    const result = {
      date: new Date().toISOString().slice(0, 10),
      records: dataSet.records,
      repeats: REPEATS,
      subjects: dataSet.subjects,
      consentingSubjects: dataSet.consentingSubjects,
      inspections: dataSet.inspections,
      dispositions: dataSet.dispositions,
      generationSeconds,
      generationPhaseSeconds: dataSet.phaseSeconds,
      store: sizes,
      results,
      consentChange: { ...consentChange, overheadMs: consentOverhead },
      ingestBatch: { withUpkeep, bare: bareBatch, upkeepRatio, nextReadDrain: drain },
      freshness,
      rebuild: { ...rebuild, seconds: rebuildSeconds },
      loadAverage: os.loadavg().map((x) => Number(x.toFixed(1))),
      plansFile: PLANS_FILE,
    };
    console.log(JSON.stringify(result));
    const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`);
    for (const r of results) {
      const queryCase = CASES.find((c) => c.name === r.query)!;
      console.log(
        `| insights from the store, ${queryCase.title}, ${dataSet.records.toLocaleString('en')} records, ${r.rows} rows, ${r.subjectsCounted.toLocaleString('en')} subjects ` +
          `| answer p50 ${fmt(r.storeMs.p50)} (${fmt(r.storeMs.min)}–${fmt(r.storeMs.max)}); whole runInsights with billing p50 ${fmt(r.hubMs.p50)} | naive SQL p50 ${fmt(r.naiveMs.p50)} ` +
          `| **${r.ratio}×** naive | ≤ ${fmt(r.targetMs)} | ${r.met ? 'yes' : '**no**'} |`,
      );
    }
    console.log(
      `| consent change with store upkeep | p50 ${consentChange.store.p50} ms | bare projection update p50 ${consentChange.bare.p50} ms | +${consentOverhead} ms | ≤ +2 ms | ${consentOverhead <= 2 ? 'yes' : '**no**'} |`,
    );
    console.log(
      `| ingest batch of 1,000 with store upkeep | p50 ${withUpkeep.p50} ms | bare inserts p50 ${bareBatch.p50} ms | upkeep **${upkeepRatio}×** | ≤ 0.5× | ${upkeepRatio <= 0.5 ? 'yes' : '**no**'} |`,
    );
    console.log(
      `| the next store read after that batch: drain of the queued subjects | p50 ${drain.p50} ms (${drain.min}–${drain.max}) | — | paid by the first query after the batch | — | — |`,
    );
    console.log(
      `| consent withdrawal visible to the very next query | ${freshness.passed ? 'subject out of the next answer' : 'subject still counted'} | — | — | next query | ${freshness.passed ? 'yes' : '**no**'} |`,
    );
  } finally {
    await client.end().catch(() => undefined);
    await bareClient.end().catch(() => undefined);
    await handle?.close();
  }
}

const url = await freshDatabase(DB_NAME);
// Interrupted runs drop the scratch database too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void dropDatabase(DB_NAME).finally(() => process.exit(130));
  });
}
try {
  await main(url);
} finally {
  await dropDatabase(DB_NAME);
}
