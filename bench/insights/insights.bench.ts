// Insights latency: runInsights (policy, agreement, consent-filtered working set, k-anonymous groups,
// contributions, access log) against the naive one-statement SQL over the same consenting subjects, on
// the same scratch database in the same run, plus a check that a consent withdrawal is out of the very
// next query.
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
import type { Db } from '../../src/db/database.ts';
import { runInsights, type InsightsAnswer, type InsightsContext, type InsightsRequest } from '../../src/insights/insights.service.ts';
import type { RequestFilters } from '../../src/policy/evaluate-policy.ts';
import { SHIPPED_POLICIES_DIR, loadPolicies } from '../../src/policy/load-policies.ts';
import type { Principal } from '../../src/server/auth.ts';
import { dropDatabase, freshDatabase } from '../support/bench-database.ts';
import { BENCH_BRAND, BENCH_PURPOSE, generateInsightsDataSet } from './insights-data-set.ts';
import { naiveInsights, type NaiveInsightRow } from './naive-insights.ts';
import { StatementTimer, type TimedStatement } from './statement-timer.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 5_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
const DB_NAME = 'tradein_bench_insights';
const PLANS_FILE = process.env.BENCH_PLANS_FILE ?? path.join(os.tmpdir(), `insights-bench-plans-${RECORDS}.txt`);
const PRINCIPAL: Principal = { kind: 'party', partyId: BENCH_BRAND, role: 'brand' };

interface QueryCase {
  name: 'category' | 'catalogue';
  title: string;
  categories: string[] | undefined;
  targetMs: number;
}

const CASES: QueryCase[] = [
  { name: 'category', title: 'one category (mobile_phone), by model', categories: ['mobile_phone'], targetMs: 150 },
  { name: 'catalogue', title: 'whole catalogue, by model', categories: undefined, targetMs: 1500 },
];

function requestFor(queryCase: QueryCase): InsightsRequest {
  const filters: RequestFilters = queryCase.categories === undefined ? {} : { category: queryCase.categories };
  return { purpose: BENCH_PURPOSE, groupBy: ['model'], measures: ['count', 'usageMonthsAvg', 'valuationP50'], filters };
}

interface Spread { p50: number; min: number; max: number }

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const p50 = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { p50: Math.round(p50), min: Math.round(sorted[0]!), max: Math.round(sorted.at(-1)!) };
}

/** product-rnd is consent-based without differential privacy, so runInsights tells the exact count. */
function subjectsCounted(answer: InsightsAnswer): number {
  if (answer.subjectsCounted === null) throw new Error('runInsights withheld subjectsCounted; the bench purpose must not use differential privacy');
  return answer.subjectsCounted;
}

async function hubQuery(context: InsightsContext, timer: StatementTimer, queryCase: QueryCase): Promise<{ ms: number; answer: InsightsAnswer; statements: TimedStatement[] }> {
  timer.take();
  const started = performance.now();
  const outcome = await runInsights(context, PRINCIPAL, requestFor(queryCase));
  const ms = performance.now() - started;
  if (!outcome.allowed) throw new Error(`runInsights denied the bench query: ${outcome.decision.reasons.join('; ')}`);
  return { ms, answer: outcome.answer, statements: timer.take() };
}

async function naiveQuery(db: Db, timer: StatementTimer, queryCase: QueryCase): Promise<{ ms: number; rows: NaiveInsightRow[]; statements: TimedStatement[] }> {
  timer.take();
  const started = performance.now();
  const rows = await naiveInsights(db, BENCH_PURPOSE, queryCase.categories, new Date());
  return { ms: performance.now() - started, rows, statements: timer.take() };
}

/** Per statement label, the wall time summed within one call; one array entry per call. */
function collectBreakdown(into: Map<string, number[]>, statements: TimedStatement[]): void {
  const perCall = new Map<string, number>();
  for (const statement of statements) perCall.set(statement.label, (perCall.get(statement.label) ?? 0) + statement.ms);
  for (const [label, ms] of perCall) into.set(label, [...(into.get(label) ?? []), ms]);
}

/** Throws unless runInsights and the naive SQL agree on every model: same counts, same averages and medians. */
function assertSameAnswers(answer: InsightsAnswer, naive: NaiveInsightRow[]): void {
  const hubRows = new Map(answer.rows.map((row) => [row.keys.model ?? '(remainder)', row]));
  if (hubRows.size !== naive.length) throw new Error(`runInsights released ${hubRows.size} rows, the naive SQL found ${naive.length} models`);
  for (const row of naive) {
    const hub = hubRows.get(row.model);
    const close = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    if (hub === undefined || hub.values.count !== row.count || !close(hub.values.usageMonthsAvg, row.usageMonthsAvg) || !close(hub.values.valuationP50, row.valuationP50)) {
      throw new Error(`runInsights and the naive SQL disagree on ${row.model}: ${JSON.stringify(hub?.values)} vs ${JSON.stringify(row)}`);
    }
  }
}

/**
 * Replays the statements one call ran, in order, inside a transaction that is rolled back, with
 * EXPLAIN (ANALYZE, BUFFERS) on the heavy ones. The access-log statements are left out (they would claim
 * the same chain position again) and the query and journal ids are replaced, so nothing collides with what
 * was stored.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function explainCall(url: string, title: string, statements: TimedStatement[], queryId: string | undefined): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out: string[] = [`==== ${title}`];
  try {
    await client.query('begin');
    // Ids the call generated and stored are replaced, consistently, by fresh ones: the query id, and the
    // journal's own id (its lines name it), which replaying as recorded would insert a second time.
    const fresh = new Map<unknown, string>(queryId === undefined ? [] : [[queryId, uuidv7()]]);
    for (const statement of statements) {
      if (/hub_settings|access_log/.test(statement.label)) continue;
      if (/^insert into "?journals"? /.test(statement.sql)) {
        for (const p of statement.parameters) if (typeof p === 'string' && UUID.test(p) && !fresh.has(p)) fresh.set(p, uuidv7());
      }
      const parameters = statement.parameters.map((p) => fresh.get(p) ?? p) as unknown[];
      if (/^(create temp table|insert into contributions|select … from (insight_base|records))/.test(statement.label)) {
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

async function main(url: string): Promise<void> {
  let handle: DatabaseHandle | undefined;
  try {
    handle = await openDatabase({ kind: 'postgres', url });
    await migrateToLatest(handle.db);
    const generationStarted = performance.now();
    console.error(`generating ${RECORDS.toLocaleString('en')} records in PostgreSQL…`);
    const dataSet = await generateInsightsDataSet(url, { records: RECORDS, now: new Date() });
    const generationSeconds = Number(((performance.now() - generationStarted) / 1000).toFixed(1));
    console.error(`data set ready in ${generationSeconds} s (not a result): ${JSON.stringify({ ...dataSet, phaseSeconds: undefined })}`);

    const timer = new StatementTimer();
    const db = handle.db.withPlugin(timer);
    // Noise off: the bench compares the hub's exact answer with the naive SQL's, figure for figure.
    const context: InsightsContext = { db, policies: await loadPolicies(SHIPPED_POLICIES_DIR), now: () => new Date(), secret: randomBytes(32), noise: 'off' };

    // One unmeasured round so both sides start from the same warm cache.
    for (const queryCase of CASES) {
      await hubQuery(context, timer, queryCase);
      await naiveQuery(db, timer, queryCase);
    }

    const samples = new Map(CASES.map((c) => [c.name, { hub: [] as number[], naive: [] as number[], breakdown: new Map<string, number[]>() }]));
    const last = new Map<string, { hub: Awaited<ReturnType<typeof hubQuery>>; naive: Awaited<ReturnType<typeof naiveQuery>> }>();
    // Interleaved, so a noisy moment on the shared machine hits both sides alike.
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      for (const queryCase of CASES) {
        const hub = await hubQuery(context, timer, queryCase);
        const naive = await naiveQuery(db, timer, queryCase);
        assertSameAnswers(hub.answer, naive.rows);
        const s = samples.get(queryCase.name)!;
        s.hub.push(hub.ms);
        s.naive.push(naive.ms);
        collectBreakdown(s.breakdown, hub.statements);
        last.set(queryCase.name, { hub, naive });
        console.error(`  repeat ${repeat}/${REPEATS} ${queryCase.name}: runInsights ${Math.round(hub.ms)} ms, naive SQL ${Math.round(naive.ms)} ms`);
      }
    }

    // Consent freshness: withdraw one counted subject, as the consent service commits it, and ask again.
    const category = CASES[0]!;
    const before = await hubQuery(context, timer, category);
    const subject = (await sql<{ subject_id: string }>`
      select subject_id from contributions where query_id = ${before.answer.queryId} order by subject_id limit 1`.execute(handle.db)).rows[0]!.subject_id;
    const subjectModels = (await sql<{ model: string; records: number }>`
      select r.model, count(*)::int as records from record_subjects rs join records r on r.id = rs.record_id
      where rs.subject_id = ${subject} and r.category = any(${category.categories!}::text[]) group by r.model`.execute(handle.db)).rows;
    const withdrawn = await handle.db.transaction().execute(async (tx) => sql`
      update consents set status = 'withdrawn', expires_at = null, event_id = ${uuidv7()}, updated_at = ${new Date()}
      where subject_id = ${subject} and purpose = ${BENCH_PURPOSE} and status = 'granted'`.execute(tx));
    const after = await hubQuery(context, timer, category);
    const stillCounted = Number((await sql<{ n: number }>`
      select count(*)::int as n from contributions where query_id = ${after.answer.queryId} and subject_id = ${subject}`.execute(handle.db)).rows[0]!.n);
    const modelChecks = subjectModels.map(({ model, records }) => {
      const was = before.answer.rows.find((row) => row.keys.model === model)!;
      const next = after.answer.rows.find((row) => row.keys.model === model)!;
      return { model, subjectsBefore: was.subjects, subjectsAfter: next.subjects, countBefore: was.values.count, countAfter: next.values.count, subjectRecords: records };
    });
    const freshness = {
      withdrawnRows: Number(withdrawn.numAffectedRows ?? 0n),
      subjectsCountedBefore: subjectsCounted(before.answer),
      subjectsCountedAfter: subjectsCounted(after.answer),
      subjectAmongNextContributions: stillCounted > 0,
      models: modelChecks,
      passed: Number(withdrawn.numAffectedRows ?? 0n) === 1 && subjectsCounted(after.answer) === subjectsCounted(before.answer) - 1 && stillCounted === 0
        && modelChecks.length > 0 && modelChecks.every((m) => m.subjectsAfter === m.subjectsBefore - 1 && m.countAfter === Number(m.countBefore) - m.subjectRecords),
    };
    console.error(`consent freshness: ${freshness.passed ? 'PASS' : 'FAIL'}: the withdrawal committed, the very next runInsights counted `
      + `${freshness.subjectsCountedAfter.toLocaleString('en')} subjects (was ${freshness.subjectsCountedBefore.toLocaleString('en')}); `
      + modelChecks.map((m) => `${m.model}: subjects ${m.subjectsBefore} → ${m.subjectsAfter}, records ${m.countBefore} → ${m.countAfter}`).join('; ')
      + `; subject among the next query's contributions: ${freshness.subjectAmongNextContributions ? 'yes' : 'no'}`);

    // Where the time goes: the last measured call of each kind, replayed under EXPLAIN (ANALYZE, BUFFERS).
    const plans: string[] = [];
    for (const queryCase of CASES) {
      const { hub, naive } = last.get(queryCase.name)!;
      plans.push(await explainCall(url, `runInsights, ${queryCase.title}`, hub.statements, hub.answer.queryId));
      plans.push(await explainCall(url, `naive SQL, ${queryCase.title}`, naive.statements, undefined));
    }
    await fs.writeFile(PLANS_FILE, `${plans.join('\n\n')}\n`);

    const sizes = (await sql<{ contributions: number; access_log: number }>`
      select (select count(*)::int from contributions) as contributions, (select count(*)::int from access_log) as access_log`.execute(handle.db)).rows[0]!;

    const results = CASES.map((queryCase) => {
      const s = samples.get(queryCase.name)!;
      const hub = spread(s.hub);
      const naive = spread(s.naive);
      const { hub: lastHub } = last.get(queryCase.name)!;
      return {
        query: queryCase.name, hubMs: hub, naiveMs: naive, ratio: Number((hub.p50 / naive.p50).toFixed(2)), targetMs: queryCase.targetMs, met: hub.p50 <= queryCase.targetMs,
        rows: lastHub.answer.rows.length, subjectsCounted: subjectsCounted(lastHub.answer),
        statementsP50Ms: Object.fromEntries([...s.breakdown].map(([label, ms]) => [label, spread(ms).p50])),
      };
    });
    const result = {
      date: new Date().toISOString().slice(0, 10), records: dataSet.records, repeats: REPEATS, subjects: dataSet.subjects,
      consentingSubjects: dataSet.consentingSubjects, inspections: dataSet.inspections, dispositions: dataSet.dispositions,
      generationSeconds, generationPhaseSeconds: dataSet.phaseSeconds, results, freshness: { passed: freshness.passed, subjectsCountedBefore: freshness.subjectsCountedBefore, subjectsCountedAfter: freshness.subjectsCountedAfter },
      contributionsRowsAtEnd: sizes.contributions, accessLogEntriesAtEnd: sizes.access_log, plansFile: PLANS_FILE,
    };
    console.log(JSON.stringify(result));
    const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`);
    for (const r of results) {
      const queryCase = CASES.find((c) => c.name === r.query)!;
      console.log(`| insights, ${queryCase.title}, ${dataSet.records.toLocaleString('en')} records, ${r.rows} rows, ${r.subjectsCounted.toLocaleString('en')} subjects counted `
        + `| p50 ${fmt(r.hubMs.p50)} (${fmt(r.hubMs.min)}–${fmt(r.hubMs.max)}) | naive SQL p50 ${fmt(r.naiveMs.p50)} (${fmt(r.naiveMs.min)}–${fmt(r.naiveMs.max)}) `
        + `| **${r.ratio}×** naive | ≤ ${fmt(r.targetMs)} | ${r.met ? 'yes' : '**no**'} |`);
    }
    console.log(`| insights, consent withdrawal visible to the very next query | ${freshness.passed ? 'subject out of the next answer' : 'subject still counted'} | — | — | next query | ${freshness.passed ? 'yes' : '**no**'} |`);
  } finally {
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
