import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoConsents } from '../../src/demo/demo-consents.ts';
import { DEMO_STUDIED_CATEGORY, demoHistoryDate, demoStudyRequests, seedDemoLedger, type DemoLedgerReport } from '../../src/demo/demo-ledger.ts';
import { ensureDemoParties } from '../../src/demo/demo-seed.ts';
import { verifyLedger } from '../../src/ledger/ledger-verify.ts';
import { mintToken } from '../../src/parties/local-key-store.ts';
import type { StoredPartyKey } from '../../src/parties/local-key-store.ts';
import { ingestDocuments } from '../../src/submissions/submissions.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

// The demo's closed month must have a statement with lines (issue #14 item 6): its phone owners who consented
// pass the payout minimum, everyone else is carried forward. Run with noise on, as `npm start` runs, on a
// population large enough for noisy rows to be released: 400 phone owners and 200 tablet owners.
const NOW = new Date('2026-11-24T09:00:00Z');
const PERIOD = '2026-10';

describe('seedDemoLedger: a closed month whose statement has lines', () => {
  let hub: TestHub;
  let keys: Map<string, StoredPartyKey>;
  let ledger: DemoLedgerReport;

  beforeAll(async () => {
    hub = await createTestHub();
    keys = await ensureDemoParties(hub.app);
    const context = { db: hub.app.database.db, secret: hub.app.secret, now: () => NOW };
    await ingestDocuments(context, { partyId: 'demo-brand', role: 'brand' }, 'catalogue', [
      { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900 },
      { brand: 'Apple', model: 'iPad 9 64GB', category: 'tablet', launchMonth: '2021-09', launchPriceFen: 249_900 },
    ]);
    const tradeIn = (i: number, category: 'mobile_phone' | 'tablet') => ({
      externalRef: `DEMO-L-${i}`,
      subjectRef: randomUUID(),
      category,
      brand: 'Apple',
      model: category === 'tablet' ? 'iPad 9 64GB' : 'iPhone 13 128GB',
      usageMonths: 12 + (i % 40),
      tradeInMonth: '2026-09',
      channel: 'online',
      quotedValuationFen: 100_000 + i * 100,
    });
    const documents = Array.from({ length: 600 }, (_, i) => tradeIn(i, i % 3 === 2 ? 'tablet' : 'mobile_phone'));
    await ingestDocuments(context, { partyId: 'demo-platform', role: 'platform' }, 'tradein', documents);
    await seedDemoConsents(hub.app, { at: demoHistoryDate(NOW, 2) });
    ledger = await seedDemoLedger(hub.app, NOW);
  }, 600_000);
  afterAll(async () => hub?.close());

  it('asks distinct study requests (a repeat would pay nobody), one group each', () => {
    const requests = demoStudyRequests(34);
    expect(requests).toHaveLength(34);
    expect(new Set(requests.map((r) => JSON.stringify(r))).size).toBe(34);
    expect(requests.every((r) => r.groupBy.length <= 1 && JSON.stringify(r.filters) === JSON.stringify({ category: [DEMO_STUDIED_CATEGORY] }))).toBe(true);
  });

  it('closes last month paying the consenting phone owners and carrying everyone else', async () => {
    // Three queries as before, and the study: ceil(100 fen / 3 fen) = 34 queries.
    expect(ledger.lastMonth).toMatchObject({ period: PERIOD, queries: 3 + 34 });
    expect(ledger.thisMonth).toEqual({ period: '2026-11', queries: 1 });
    const { payout } = ledger.lastMonth;
    expect(payout.paidFen).toBeGreaterThan(0);
    expect(payout.carriedFen).toBeGreaterThan(0);
    const { rows } = await sql<{ category: string; paid: number; carried: number }>`
      select r.category, count(*) filter (where p.paid_fen > 0)::int as paid, count(*) filter (where p.carried_fen > 0)::int as carried
      from payout_lines p join record_subjects rs on rs.subject_id = p.subject_id join records r on r.id = rs.record_id
      where p.period = ${PERIOD} group by r.category order by r.category`.execute(hub.app.database.db);
    const granted = await sql<{ category: string; n: number }>`
      select r.category, count(*)::int as n from consents c join record_subjects rs on rs.subject_id = c.subject_id join records r on r.id = rs.record_id
      where c.purpose = 'product-rnd' and c.status = 'granted' group by r.category order by r.category`.execute(hub.app.database.db);
    const phones = granted.rows.find((row) => row.category === 'mobile_phone')!.n;
    expect(phones).toBeGreaterThan(100);
    // Every phone owner who consented passed the minimum; no tablet owner did (a few fen each, carried).
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ category: 'mobile_phone', paid: phones, carried: 0 });
    expect(rows[1]).toMatchObject({ category: 'tablet', paid: 0 });
    expect(rows[1]!.carried).toBeGreaterThan(0);
    expect(payout.statements).toEqual([{ platformId: 'demo-platform', subjects: phones, totalFen: payout.paidFen }]);
    const report = await verifyLedger(hub.app.database.db);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  });

  it('gives the platform a statement with lines, over GraphQL and as /statements/<period>.csv', async () => {
    const token = await mintToken(keys.get('demo-platform')!, { hubId: hub.config.hubId });
    const answer = await hub.graphql(
      `query($p:String!){ payoutStatement(period:$p) { __typename ... on PayoutStatement { subjects totalFen lines(first: 500) { subjectRef amountFen } } } }`,
      { p: PERIOD },
      token,
    );
    const statement = answer.body.data.payoutStatement;
    expect(statement.__typename).toBe('PayoutStatement');
    expect(statement.lines.length).toBe(statement.subjects);
    expect(statement.lines.length).toBeGreaterThan(0);
    expect(statement.lines.every((line: { amountFen: number }) => line.amountFen >= hub.config.payoutMinimumFen)).toBe(true);
    const server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const csv = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/statements/${PERIOD}.csv`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(csv.status).toBe(200);
      const [header, ...lines] = (await csv.text()).trim().split('\n');
      expect(header).toBe('subject_ref,amount_fen');
      expect(lines).toHaveLength(statement.subjects);
      expect(lines.reduce((sum, line) => sum + Number(line.split(',')[1]), 0)).toBe(Number(statement.totalFen));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
