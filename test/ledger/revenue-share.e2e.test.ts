import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/ledger-verify.ts';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { catalogueModels } from '../support/catalogue.ts';
import { pointerShares } from './support/pointer-shares.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

/*
 * The revenue share end to end, on a copy of the shipped policies where product-rnd costs 7 fen per
 * subject (split 50/30/20), so that every split leaves remainders to place:
 *   21 subjects → price 147 fen: users 73.5, parties 44.1, hub 29.4 → 74 / 44 / 29 (the leftover fen goes
 *     to the largest remainder, the users' .5). The users' 74 over 21: 3 each and 11 subjects get a 4th.
 *     The parties' 44 by documents supplied (platform-a 12 trade-ins, platform-b 9, recycler-a 21
 *     inspections = 42): 12.571 / 9.428 / 22 → 13 / 9 / 22.
 *   20 subjects → price 140 fen: 70 / 42 / 28 exactly. The users' 70 over 20: 3 each, 10 get a 4th.
 *     Parties by documents (11 / 9 / 20 = 40): 11.55 / 9.45 / 21 → 12 / 9 / 21.
 */
const PRICE = 7;

const INSIGHTS = /* GraphQL */ `
  query ($filter: InsightFilter) {
    insights(purpose: "product-rnd", groupBy: [model], measures: [count, gradeDistribution], filter: $filter) {
      __typename
      ... on Insights {
        queryId
        subjectsCounted
        priceFen
        rows {
          subjects
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
const EARNINGS = /* GraphQL */ `
  {
    me {
      ... on Me {
        queries {
          queryId
          purpose
          dimensions
          filters
          measures
        }
        earnings {
          period
          status
          broughtForwardFen
          earnedFen
          accruedFen
          paidFen
          carriedFen
          lines {
            queryId
            partyId
            purpose
            amountFen
            at
            reversesQueryId
          }
        }
      }
    }
  }
`;
const RUN = /* GraphQL */ `
  mutation ($period: String!, $min: Int) {
    runPayouts(period: $period, minimumFen: $min) {
      __typename
      ... on PayoutRun {
        period
        alreadyClosed
        minimumFen
        subjects
        earnedFen
        broughtForwardFen
        paidFen
        carriedFen
        statements {
          platformId
          subjects
          totalFen
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
const STATEMENT = /* GraphQL */ `
  query ($period: String!, $after: String) {
    payoutStatement(period: $period) {
      __typename
      ... on PayoutStatement {
        platformId
        subjects
        totalFen
        confirmedAt
        lines(first: 5, after: $after) {
          subjectRef
          amountFen
        }
      }
      ... on HubError {
        code
      }
    }
  }
`;

const letters = 'abcdefghijklmnopqrstuvwxyz';
const userRef = (platform: 'a' | 'b', i: number) => `uLedger-${platform}${letters[i]}-revenue-share-user`;
const USERS_A = Array.from({ length: 12 }, (_, i) => userRef('a', i));
const USERS_B = Array.from({ length: 9 }, (_, i) => userRef('b', i));
const WITHDRAWN = USERS_A[0]!;

async function cheaperPolicies(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradein-policies-'));
  await fs.cp(path.resolve('policies'), dir, { recursive: true });
  const file = path.join(dir, 'product-rnd', 'policy.yaml');
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, text.replace(/^pricePerSubjectFen: \d+$/m, `pricePerSubjectFen: ${PRICE}`));
  return dir;
}

describe('revenue share, end to end', () => {
  let hub: TestHub;
  let policiesDir: string;
  let clock = new Date('2026-10-12T09:00:00Z');
  const queryIds: string[] = [];
  const platformOf = (ref: string) => (ref.includes('-a') ? 'platform-a' : 'platform-b');
  const userToken = (ref: string) => hub.token(platformOf(ref), { subjectRef: ref });
  const db = () => hub.app.database.db;

  // A query's journals (its charge, and once its period closed, its split), one amount per account.
  const journalLines = async (queryId: string) =>
    Object.fromEntries(
      (
        await sql<{ account: string; amount_fen: string }>`
    select l.account, sum(l.amount_fen)::bigint as amount_fen from journals j join journal_lines l on l.journal_id = j.id
    where j.query_id = ${queryId}::uuid and j.kind in ('query', 'allocation') group by l.account having sum(l.amount_fen) <> 0`.execute(db())
      ).rows.map((row) => [row.account, Number(row.amount_fen)]),
    );
  // Each user's share, as the close expands the query's pointer; the vault keeps pseudonyms sealed, the test opens them.
  const shares = async (queryId: string) => {
    const bySubject = await pointerShares(db(), queryId);
    const { rows } = await sql<{
      id: string;
      subject_ref_sealed: Buffer;
    }>`select id, subject_ref_sealed from subjects where id = any(${[...bySubject.keys()]}::uuid[])`.execute(db());
    return new Map(rows.map((row) => [subjectRefCipher(hub.app.secret).open(row.id, row.subject_ref_sealed), bySubject.get(row.id)!]));
  };
  /** What a query's split must be once its period closed (brand-a credited for its catalogue entry, now). */
  const SPLITS = [
    { 'party:platform-a': 8, 'party:platform-b': 6, 'party:recycler-a': 15, 'party:brand-a': 15 - 147, 'hub:fees': 29 },
    { 'party:platform-a': 8, 'party:platform-b': 6, 'party:recycler-a': 15, 'party:brand-a': 15 - 147, 'hub:fees': 29 },
    { 'party:platform-a': 8, 'party:platform-b': 6, 'party:recycler-a': 14, 'party:brand-a': 14 - 140, 'hub:fees': 28 },
  ];

  beforeAll(async () => {
    policiesDir = await cheaperPolicies();
    hub = await createTestHub({ now: () => clock, env: { HUB_POLICIES_DIR: policiesDir, HUB_INSIGHTS_NOISE: 'off' } });
    await catalogueModels(hub, [{ brand: 'Apple', model: 'iPhone 13 128GB' }]);
    const tickets: string[] = [];
    for (const [platform, users] of [
      ['platform-a', USERS_A],
      ['platform-b', USERS_B],
    ] as const) {
      const documents = users.map((subjectRef, i) => ({
        externalRef: `LEDGER-${platform}-${i}`,
        subjectRef,
        category: 'mobile_phone',
        brand: 'Apple',
        model: 'iPhone 13 128GB',
        usageMonths: 24 + i,
        tradeInMonth: '2026-09',
        channel: 'online',
        quotedValuationFen: 150_000,
        recycler: 'recycler-a',
      }));
      const submitted = await hub.graphql(
        'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}',
        { d: documents },
        await hub.token(platform),
      );
      tickets.push(...submitted.body.data.submitTradeIns.results.map((r: { ticket: string }) => r.ticket));
    }
    expect(tickets).toHaveLength(21);
    const inspected = await hub.graphql(
      'mutation($d:[JSON!]!){submitInspections(documents:$d){... on SubmissionBatch{accepted}}}',
      {
        d: tickets.map((ticket, i) => ({ externalRef: `LEDGER-QC-${i}`, ticket, grade: i % 2 === 0 ? 'A' : 'B', inspectedMonth: '2026-10' })),
      },
      await hub.token('recycler-a'),
    );
    expect(inspected.body.data.submitInspections.accepted).toBe(21);
    for (const ref of [...USERS_A, ...USERS_B]) {
      const granted = await hub.graphql('mutation{grantConsent(purpose:"product-rnd"){__typename}}', {}, await userToken(ref));
      expect(granted.body.data.grantConsent.__typename).toBe('ConsentChanged');
    }
    const brand = await hub.token('brand-a');
    const { agreement } = (await hub.graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, brand)).body.data
      .requestAgreement;
    await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));
  });
  afterAll(async () => {
    await hub.close();
    await fs.rm(policiesDir, { recursive: true, force: true });
  });

  it('bills each query as one balanced journal, split exactly to the fen', async () => {
    for (const day of [12, 13]) {
      clock = new Date(`2026-10-${day}T10:00:00Z`);
      const answer = (await hub.graphql(INSIGHTS, {}, await hub.token('brand-a'))).body.data.insights;
      expect(answer).toMatchObject({ __typename: 'Insights', subjectsCounted: 21, priceFen: 21 * PRICE });
      queryIds.push(answer.queryId);
    }
    for (const queryId of queryIds) {
      // Billed at query time, O(1) rows: the payer charged into the pending account, one pointer.
      expect(await journalLines(queryId)).toEqual({ 'party:brand-a': -147, 'pending:queries': 147 });
      const users = await shares(queryId);
      expect([...users.values()].reduce((a, b) => a + b, 0)).toBe(74);
      // 74 over 21: eleven 4s and ten 3s, never further than a fen from the exact 3.52.
      expect([...users.values()].filter((fen) => fen === 4)).toHaveLength(11);
      expect([...users.values()].filter((fen) => fen === 3)).toHaveLength(10);
    }
    const {
      rows: [written],
    } = await sql<{ pointers: number; contributions: number }>`
      select (select count(*) from query_pointers)::int as pointers, (select count(*) from contributions)::int as contributions`.execute(db());
    expect(written).toEqual({ pointers: 2, contributions: 0 });
    // The tie-break is drawn per query, so the same subjects do not always get the extra fen.
    const [first, second] = await Promise.all(queryIds.map(shares));
    expect([...first!].some(([ref, fen]) => second!.get(ref) !== fen)).toBe(true);
  });

  it('a user who withdraws keeps what was earned and earns nothing from later queries', async () => {
    clock = new Date('2026-10-14T08:00:00Z');
    await hub.graphql('mutation{withdrawConsent(purpose:"product-rnd"){__typename}}', {}, await userToken(WITHDRAWN));
    clock = new Date('2026-10-14T10:00:00Z');
    const answer = (await hub.graphql(INSIGHTS, {}, await hub.token('brand-a'))).body.data.insights;
    expect(answer).toMatchObject({ subjectsCounted: 20, priceFen: 140 });
    queryIds.push(answer.queryId);
    const third = await shares(answer.queryId);
    expect(third.has(WITHDRAWN)).toBe(false);
    expect([...third.values()].reduce((a, b) => a + b, 0)).toBe(70);
    expect([...third.values()].every((fen) => fen === 3 || fen === 4)).toBe(true);
    expect(await journalLines(answer.queryId)).toEqual({ 'party:brand-a': -140, 'pending:queries': 140 });

    const me = (await hub.graphql(EARNINGS, {}, await userToken(WITHDRAWN))).body.data.me;
    expect(me.queries.map((q: { queryId: string }) => q.queryId).sort()).toEqual(queryIds.slice(0, 2).sort());
    // What each asked, from its pointer.
    expect(me.queries[0]).toMatchObject({ purpose: 'product-rnd', dimensions: ['model'], measures: ['count', 'gradeDistribution'], filters: {} });
    const [october] = me.earnings;
    const earned = (await shares(queryIds[0]!)).get(WITHDRAWN)! + (await shares(queryIds[1]!)).get(WITHDRAWN)!;
    expect(october).toMatchObject({
      period: '2026-10',
      status: 'OPEN',
      broughtForwardFen: 0,
      earnedFen: earned,
      accruedFen: earned,
      paidFen: null,
      carriedFen: null,
    });
    expect(october.lines).toHaveLength(2);
    expect(october.lines[0]).toMatchObject({ partyId: 'brand-a', purpose: 'product-rnd', reversesQueryId: null });
  });

  it('refuses to close a period before it has ended, and only an operator runs payouts', async () => {
    const early = (await hub.graphql(RUN, { period: '2026-10' }, await hub.token('operator-a'))).body.data.runPayouts;
    expect(early).toMatchObject({ __typename: 'LedgerRefused', code: 'period.not_ended' });
    const notOperator = (await hub.graphql(RUN, { period: '2026-10' }, await hub.token('platform-a'))).body.data.runPayouts;
    expect(notOperator).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
    const badPeriod = (await hub.graphql(RUN, { period: '2026-13' }, await hub.token('operator-a'))).body.data.runPayouts;
    expect(badPeriod).toMatchObject({ __typename: 'LedgerRefused', code: 'period.format' });
  });

  it('closes the period: pays accruals at or above the minimum, carries the rest, one statement per platform', async () => {
    clock = new Date('2026-11-02T03:00:00Z');
    const minimum = 10;
    const accrued = new Map<string, number>();
    for (const queryId of queryIds) for (const [ref, fen] of await shares(queryId)) accrued.set(ref, (accrued.get(ref) ?? 0) + fen);
    expect([...accrued.values()].reduce((a, b) => a + b, 0)).toBe(74 + 74 + 70);
    const paidTo = (platform: string) => [...accrued].filter(([ref, fen]) => platformOf(ref) === platform && fen >= minimum);

    const run = (await hub.graphql(RUN, { period: '2026-10', min: minimum }, await hub.token('operator-a'))).body.data.runPayouts;
    const paid = [...accrued.values()].filter((fen) => fen >= minimum).reduce((a, b) => a + b, 0);
    expect(run).toMatchObject({
      __typename: 'PayoutRun',
      period: '2026-10',
      alreadyClosed: false,
      minimumFen: minimum,
      subjects: 21,
      earnedFen: '218',
      broughtForwardFen: '0',
      paidFen: String(paid),
      carriedFen: String(218 - paid),
    });
    expect(paid).toBeGreaterThan(0);
    expect(218 - paid).toBeGreaterThan(0);
    // The close split each query exactly as billing used to: the users' pools per platform, the parties' by documents.
    for (const [i, queryId] of queryIds.entries()) {
      const users = await shares(queryId);
      const usersOf = (platform: string) => [...users].filter(([ref]) => platformOf(ref) === platform).reduce((sum, [, fen]) => sum + fen, 0);
      expect(await journalLines(queryId)).toEqual({ ...SPLITS[i], 'users:platform-a': usersOf('platform-a'), 'users:platform-b': usersOf('platform-b') });
    }
    // Statements add up to the users' pools, less what was carried forward.
    expect(run.statements).toEqual(
      ['platform-a', 'platform-b'].map((platformId) => ({
        platformId,
        subjects: paidTo(platformId).length,
        totalFen: String(paidTo(platformId).reduce((sum, [, fen]) => sum + fen, 0)),
      })),
    );

    // The withdrawn user earned 6–8 fen: under the minimum, carried forward.
    const me = (await hub.graphql(EARNINGS, {}, await userToken(WITHDRAWN))).body.data.me;
    const october = me.earnings.find((e: { period: string }) => e.period === '2026-10');
    expect(october).toMatchObject({ status: 'CLOSED', accruedFen: accrued.get(WITHDRAWN), paidFen: 0, carriedFen: accrued.get(WITHDRAWN) });

    // The platform reads its statement page by page and confirms it paid.
    const platformA = await hub.token('platform-a');
    const lines: { subjectRef: string; amountFen: number }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await hub.graphql(STATEMENT, { period: '2026-10', after }, platformA)).body.data.payoutStatement;
      lines.push(...page.lines);
      if (page.lines.length < 5) break;
      after = page.lines[page.lines.length - 1].subjectRef;
    }
    expect(new Map(lines.map((l) => [l.subjectRef, l.amountFen]))).toEqual(new Map(paidTo('platform-a')));
    const confirmed = (
      await hub.graphql(
        'mutation{confirmStatementPaid(period:"2026-10", reference:"BATCH-7"){... on PayoutStatement{confirmedAt confirmationReference}}}',
        {},
        platformA,
      )
    ).body.data.confirmStatementPaid;
    expect(confirmed).toEqual({ confirmedAt: clock.toISOString(), confirmationReference: 'BATCH-7' });
  });

  it('exports the statement as CSV and JSON over HTTP, to its platform only', async () => {
    const server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const csv = await fetch(`${base}/statements/2026-10.csv`, { headers: { authorization: `Bearer ${await hub.token('platform-b')}` } });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const [header, ...rows] = (await csv.text()).trim().split('\n');
      expect(header).toBe('subject_ref,amount_fen');
      const statement = (await hub.graphql(STATEMENT, { period: '2026-10' }, await hub.token('platform-b'))).body.data.payoutStatement;
      expect(rows).toHaveLength(statement.subjects);
      expect(rows.reduce((sum, row) => sum + Number(row.split(',')[1]), 0)).toBe(Number(statement.totalFen));
      expect(rows.every((row) => row.startsWith('uLedger-b'))).toBe(true);

      const json = await (await fetch(`${base}/statements/2026-10.json`, { headers: { authorization: `Bearer ${await hub.token('platform-b')}` } })).json();
      expect(json).toMatchObject({ period: '2026-10', platformId: 'platform-b', totalFen: Number(statement.totalFen) });
      expect(json.lines).toHaveLength(statement.subjects);

      expect((await fetch(`${base}/statements/2026-10.csv`, { headers: { authorization: `Bearer ${await hub.token('brand-a')}` } })).status).toBe(403);
      expect((await fetch(`${base}/statements/2026-10.csv`)).status).toBe(401);
      expect((await fetch(`${base}/statements/2026-09.csv`, { headers: { authorization: `Bearer ${await hub.token('platform-b')}` } })).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('pays nothing twice: a second run, and two at once, find the period closed', async () => {
    const operator = await hub.token('operator-a');
    const again = (await hub.graphql(RUN, { period: '2026-10', min: 10 }, operator)).body.data.runPayouts;
    expect(again).toMatchObject({ alreadyClosed: true, earnedFen: '218' });
    clock = new Date('2026-12-01T00:00:00Z');
    const operatorInDecember = await hub.token('operator-a');
    const both = await Promise.all([1, 2].map(async () => (await hub.graphql(RUN, { period: '2026-11', min: 10 }, operatorInDecember)).body.data.runPayouts));
    expect(both.map((run) => run.alreadyClosed).sort()).toEqual([false, true]);
    expect(both[0].carriedFen).toBe(both[1].carriedFen);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from journals where kind = 'payout'`.execute(db());
    expect(rows[0]!.n).toBeLessThanOrEqual(2);
    const paidTwice = await sql<{ n: number }>`select count(*)::int as n from payout_lines where period = '2026-11' and earned_fen <> 0`.execute(db());
    expect(paidTwice.rows[0]!.n).toBe(0);
  });

  it('never changes a closed period: postings there are refused, and ledger rows cannot be edited', async () => {
    clock = new Date('2026-10-20T10:00:00Z');
    const late = (await hub.graphql(INSIGHTS, {}, await hub.token('brand-a'))).body;
    expect(late.data.insights).toMatchObject({ __typename: 'LedgerRefused', code: 'period.closed' });
    await expect(sql`update journal_lines set amount_fen = 0`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from payout_lines`.execute(db())).rejects.toThrow(/append-only/);
    // The database itself refuses a journal that does not sum to zero, at commit.
    const unbalanced = db()
      .transaction()
      .execute(async (tx) => {
        const id = '0190a000-0000-7000-8000-00000000beef';
        await sql`insert into ledger_periods (period, status, opened_at) values ('2026-12', 'open', now()) on conflict do nothing`.execute(tx);
        await sql`insert into journals (id, kind, period, memo, created_at) values (${id}::uuid, 'query', '2026-12', 'unbalanced', now())`.execute(tx);
        await sql`insert into journal_lines (journal_id, line, account, amount_fen) values (${id}::uuid, 1, 'hub:fees', 5)`.execute(tx);
      });
    await expect(unbalanced).rejects.toThrow(/does not balance/);
    clock = new Date('2026-12-01T00:00:00Z');
  });

  it('corrects a query with a reversing journal in the open period, and states it per party', async () => {
    clock = new Date('2026-12-03T10:00:00Z');
    const reversed = (
      await hub.graphql(
        'mutation($q:ID!){reverseQueryCharge(queryId:$q, reason:"billed twice by mistake"){__typename ... on QueryChargeReversed{period amountFen} ... on HubError{code}}}',
        { q: queryIds[1] },
        await hub.token('operator-a'),
      )
    ).body.data.reverseQueryCharge;
    expect(reversed).toEqual({ __typename: 'QueryChargeReversed', period: '2026-12', amountFen: '147' });
    const twice = (
      await hub.graphql(
        'mutation($q:ID!){reverseQueryCharge(queryId:$q, reason:"again"){__typename ... on HubError{code}}}',
        { q: queryIds[1] },
        await hub.token('operator-a'),
      )
    ).body.data.reverseQueryCharge;
    expect(twice).toEqual({ __typename: 'LedgerRefused', code: 'reversal.already_reversed' });

    const brand = (
      await hub.graphql(
        '{partyStatements{__typename ... on QueryPartyStatementsSuccess{data{period chargedFen earnedFen queries}}}}',
        {},
        await hub.token('brand-a'),
      )
    ).body.data?.partyStatements;
    expect(brand.data).toEqual([
      { period: '2026-12', chargedFen: '-147', earnedFen: '-15', queries: 0 },
      { period: '2026-10', chargedFen: '434', earnedFen: String(15 + 15 + 14), queries: 3 },
    ]);
    const recycler = (await hub.graphql('{partyStatements{... on QueryPartyStatementsSuccess{data{period earnedFen}}}}', {}, await hub.token('recycler-a')))
      .body.data.partyStatements.data;
    expect(recycler).toEqual([
      { period: '2026-12', earnedFen: '-15' },
      { period: '2026-10', earnedFen: String(15 + 15 + 14) },
    ]);

    const me = (await hub.graphql(EARNINGS, {}, await userToken(WITHDRAWN))).body.data.me;
    const december = me.earnings.find((e: { period: string }) => e.period === '2026-12');
    const share = (await shares(queryIds[1]!)).get(WITHDRAWN)!;
    expect(december).toMatchObject({ status: 'OPEN', earnedFen: -share });
    expect(december.lines[0]).toMatchObject({ amountFen: -share, reversesQueryId: queryIds[1] });
    expect(me.queries).toHaveLength(2);
  });

  it('leaves a clean ledger by every invariant', async () => {
    const report = await verifyLedger(db());
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.counts.journals).toBeGreaterThanOrEqual(5);
  });
});
