import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../src/audit/audit.service.ts';
import { CARBON_FACTOR_SET } from '../../src/insights/carbon-factors.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const STATISTICS = /* GraphQL */ `
  query ($fromMonth: String!, $toMonth: String!, $category: [String!], $province: [String!]) {
    regulatoryStatistics(fromMonth: $fromMonth, toMonth: $toMonth, category: $category, province: $province) {
      __typename
      ... on RegulatoryStatistics {
        queryId
        minGroupSize
        suppressedCells
        carbonFactorSet
        rows {
          month
          category
          province
          tradeIns
          inspections
          dismantledUnits
          kgRecovered
          kgCo2eAvoided
        }
      }
      ... on AccessDenied {
        matchedRules
        reasons
      }
      ... on StatisticsArgumentInvalid {
        argument
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

const SUBMIT = (mutation: string) => `mutation($d:[JSON!]!){${mutation}(documents:$d){
  ... on SubmissionBatch { results { __typename ... on SubmissionAccepted { ticket } ... on SubmissionRejected { errors { path code } } } }
  ... on HubError { code message } }}`;

const subject = (name: string) => `uRegulatoryStatistics-${name}-known-user`;

interface TradeIn {
  ref: string;
  month: string;
  category?: string;
  region?: string;
  subject?: string;
}

/**
 * The known data set (k = 5 in the regulatory-statistics policy):
 *   A 2026-09 mobile_phone 110000: 6 trade-ins (two from prefecture 110100), three with a subject who never
 *     consented, three anonymous; 4 inspected (one twice); a0 dismantled with materials, a1 dismantled with
 *     weight only, a2 resold, a3 dismantled and later refurbished (latest wins).
 *   B 2026-09 mobile_phone, no region: 5 anonymous trade-ins; b0 dismantled with weight only.
 *   C 2026-09 refrigerator 320000 (from 320200): 5 trade-ins; c0 dismantled with materials and R600a; c1 inspected.
 *   D 2026-10 mobile_phone 110000: 4 trade-ins (below k).
 *   E 2026-09 mobile_phone 440000: 1 trade-in (below k), next to A.
 */
const TRADE_INS: TradeIn[] = [
  ...['a0', 'a1', 'a2', 'a3', 'a4', 'a5'].map((ref, i) => ({
    ref,
    month: '2026-09',
    region: i < 4 ? '110000' : '110100',
    ...(i < 3 ? { subject: subject(ref) } : {}),
  })),
  ...['b0', 'b1', 'b2', 'b3', 'b4'].map((ref) => ({ ref, month: '2026-09' })),
  ...['c0', 'c1', 'c2', 'c3', 'c4'].map((ref, i) => ({
    ref,
    month: '2026-09',
    category: 'refrigerator',
    region: '320200',
    ...(i % 2 === 0 ? { subject: subject(ref) } : {}),
  })),
  ...['d0', 'd1', 'd2', 'd3'].map((ref) => ({ ref, month: '2026-10', region: '110000' })),
  { ref: 'e0', month: '2026-09', region: '440300' },
];

const CELL_A = {
  month: '2026-09',
  category: 'mobile_phone',
  province: '110000',
  tradeIns: 6,
  inspections: 4,
  dismantledUnits: 2,
  kgRecovered: 0.3,
  kgCo2eAvoided: 100.186,
};
const CELL_B = {
  month: '2026-09',
  category: 'mobile_phone',
  province: null,
  tradeIns: 5,
  inspections: 0,
  dismantledUnits: 1,
  kgRecovered: 0.15,
  kgCo2eAvoided: 0.705,
};
const CELL_C = {
  month: '2026-09',
  category: 'refrigerator',
  province: '320000',
  tradeIns: 5,
  inspections: 1,
  dismantledUnits: 1,
  kgRecovered: 75.8,
  kgCo2eAvoided: 406.724,
};

describe('regulatoryStatistics', () => {
  let hub: TestHub;
  let regulator: string;
  const tickets = new Map<string, string>();

  const submit = async (mutation: string, documents: Record<string, unknown>[], party: string): Promise<string[]> => {
    const { body } = await hub.graphql(SUBMIT(mutation), { d: documents }, await hub.token(party));
    const results = body.data[mutation].results as { __typename: string; ticket?: string }[];
    expect(results.map((r) => r.__typename)).toEqual(documents.map(() => 'SubmissionAccepted'));
    return results.map((r) => r.ticket ?? '');
  };
  const submitTradeIns = async (tradeIns: TradeIn[]) => {
    const issued = await submit(
      'submitTradeIns',
      tradeIns.map((t) => ({
        externalRef: `RS-${t.ref}`,
        category: t.category ?? 'mobile_phone',
        brand: t.category === 'refrigerator' ? 'Haier' : 'Apple',
        model: t.category === 'refrigerator' ? 'BCD-516WKPZM' : 'iPhone 13 128GB',
        usageMonths: 40,
        tradeInMonth: t.month,
        channel: 'online',
        quotedValuationFen: 50_000,
        recycler: 'recycler-a',
        ...(t.region ? { regionCode: t.region } : {}),
        ...(t.subject ? { subjectRef: t.subject } : {}),
      })),
      'platform-a',
    );
    tradeIns.forEach((t, i) => tickets.set(t.ref, issued[i]!));
  };
  const inspect = (refs: string[], tag: string) =>
    submit(
      'submitInspections',
      refs.map((ref) => ({ externalRef: `RS-QC-${tag}-${ref}`, ticket: tickets.get(ref), grade: 'B', inspectedMonth: '2026-10' })),
      'recycler-a',
    );
  const dispose = (documents: (Record<string, unknown> & { ref: string })[], tag: string) =>
    submit(
      'submitDispositions',
      documents.map(({ ref, ...rest }) => ({ externalRef: `RS-DP-${tag}-${ref}`, ticket: tickets.get(ref), completedMonth: '2026-11', ...rest })),
      'recycler-a',
    );
  /** As the regulator unless another token is given; `null` sends none. */
  const query = async (variables: Record<string, unknown>, token: string | null = regulator) =>
    (await hub.graphql(STATISTICS, { fromMonth: '2026-09', toMonth: '2026-10', ...variables }, token ?? undefined)).body.data.regulatoryStatistics;
  const accessLogCount = async () => Number((await sql<{ n: number }>`select count(*)::int as n from access_log`.execute(hub.app.database.db)).rows[0]!.n);

  beforeAll(async () => {
    hub = await createTestHub();
    regulator = await hub.token('regulator-a');
    await submitTradeIns(TRADE_INS);
    await inspect(['a0', 'a1', 'a2', 'a3', 'c1'], 'first');
    await inspect(['a0'], 'second');
    await dispose(
      [
        { ref: 'a0', disposition: 'dismantled_recycled', weightKg: 0.2, materialsKg: { steel: 0.05, glass: 0.03, battery: 0.04 } },
        { ref: 'a1', disposition: 'dismantled_recycled', weightKg: 0.18 },
        { ref: 'a2', disposition: 'resold_as_is' },
        { ref: 'a3', disposition: 'dismantled_recycled', weightKg: 0.2 },
        { ref: 'b0', disposition: 'dismantled_recycled', weightKg: 0.15 },
        {
          ref: 'c0',
          disposition: 'dismantled_recycled',
          weightKg: 86.5,
          refrigerant: { type: 'R600a', recoveredG: 58 },
          materialsKg: { steel: 41.2, copper: 3.1, aluminium: 2.4, plastic: 24.8, glass: 3.6, pcb: 0.7 },
        },
      ],
      'first',
    );
    // Later than the first batch, so it is a3's latest disposition.
    await dispose([{ ref: 'a3', disposition: 'refurbished' }], 'second');
  });
  afterAll(async () => hub.close());

  it('answers a regulator with every cell at or above k, anonymous and unconsented records included', async () => {
    const answer = await query({});
    expect(answer).toMatchObject({ __typename: 'RegulatoryStatistics', minGroupSize: 5, carbonFactorSet: CARBON_FACTOR_SET });
    expect(answer.rows).toEqual([CELL_A, CELL_B, CELL_C]);
  });

  it('refuses a brand and a platform through the policy, and logs each denial (unauthorised)', async () => {
    for (const party of ['brand-a', 'platform-a']) {
      const denied = await query({}, await hub.token(party));
      expect(denied).toMatchObject({ __typename: 'AccessDenied', code: 'access.denied' });
      expect(denied.matchedRules).toContain('role.not_allowed');
      expect(denied.rows).toBeUndefined();
      const { rows } = await sql<{ decision: string; rows_released: number; price_fen: string }>`
        select decision, rows_released, price_fen from access_log
        where party_id = ${party} and purpose = 'regulatory-statistics' order by seq desc limit 1`.execute(hub.app.database.db);
      expect(rows).toEqual([{ decision: 'deny', rows_released: 0, price_fen: '0' }]);
    }
  });

  it('refuses a user token through the policy, and an anonymous caller as unauthenticated (unauthorised)', async () => {
    // A user token is refused as a token of the wrong kind before the policy is asked (the policy would deny it too: principal.user).
    const asUser = await hub.graphql(STATISTICS, { fromMonth: '2026-09', toMonth: '2026-10' }, await hub.token('platform-a', { subjectRef: subject('a0') }));
    expect(asUser.status).toBe(401);
    expect(asUser.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'user_token_as_party' });
    expect(await query({}, null)).toMatchObject({ __typename: 'Unauthenticated', code: 'unauthenticated' });
  });

  it('logs the allowed query unbilled, with its released and suppressed cells, and records no contributions', async () => {
    const answer = await query({});
    const { rows } = await sql<Record<string, unknown>>`
      select party_id, decision, matched_rules, rows_released, rows_suppressed, subjects_counted, price_fen, request
      from access_log where id = ${answer.queryId}`.execute(hub.app.database.db);
    expect(rows).toEqual([
      {
        party_id: 'regulator-a',
        decision: 'allow',
        matched_rules: expect.arrayContaining(['legal_basis.statutory']),
        rows_released: 3,
        rows_suppressed: 2,
        subjects_counted: 0,
        price_fen: '0',
        request: {
          groupBy: ['tradeInMonth', 'category', 'province'],
          measures: ['count', 'co2eAvoidedKg'],
          filters: { tradeInMonthFrom: '2026-09', tradeInMonthTo: '2026-10' },
        },
      },
    ]);
    const contributions = await sql<{ n: number }>`select count(*)::int as n from contributions`.execute(hub.app.database.db);
    expect(contributions.rows[0]!.n).toBe(0);
    expect((await verifyAccessLog(hub.app.database.db)).firstBreak).toBeUndefined();
  });

  it('filters by category and by province, leaving records without a region out of a province filter', async () => {
    expect((await query({ category: ['refrigerator'] })).rows).toEqual([CELL_C]);
    const beijing = await query({ province: ['110000'] });
    expect(beijing.rows).toEqual([CELL_A]);
    expect(beijing.suppressedCells).toBe(1);
  });

  it('withholds a cell below k whole instead of merging it into a neighbouring region (below k)', async () => {
    const answer = await query({ toMonth: '2026-09', province: ['110000', '440000'] });
    expect(answer.rows).toEqual([CELL_A]);
    expect(answer.suppressedCells).toBe(1);
    const october = await query({ fromMonth: '2026-10' });
    expect(october).toMatchObject({ rows: [], suppressedCells: 1 });
  });

  it('answers a range of exactly 36 months', async () => {
    const answer = await query({ fromMonth: '2024-11', toMonth: '2027-10' });
    expect(answer.__typename).toBe('RegulatoryStatistics');
    expect(answer.rows).toEqual([CELL_A, CELL_B, CELL_C]);
  });

  it('refuses a malformed, reversed or too long month range with a typed error naming the argument, logging nothing', async () => {
    const before = await accessLogCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ fromMonth: '2026-13' }, 'fromMonth'],
      [{ toMonth: '2026/10' }, 'toMonth'],
      [{ fromMonth: '2026-11', toMonth: '2026-10' }, 'toMonth'],
      [{ fromMonth: '2024-10', toMonth: '2027-10' }, 'toMonth'],
      [{ category: ['fridge'] }, 'category'],
      [{ province: ['110100'] }, 'province'],
      [{ province: [] }, 'province'],
    ];
    for (const [variables, argument] of cases) {
      const refused = await query(variables);
      expect(refused).toMatchObject({ __typename: 'StatisticsArgumentInvalid', code: 'statistics.argument_invalid', argument });
      expect(refused.message).toMatch(new RegExp(`^(each )?${argument} must `));
    }
    expect(await accessLogCount()).toBe(before);
  });

  it('releases a cell once it reaches k trade-ins', async () => {
    await submitTradeIns([{ ref: 'd4', month: '2026-10', region: '110000' }]);
    const october = await query({ fromMonth: '2026-10' });
    expect(october).toMatchObject({ suppressedCells: 0 });
    expect(october.rows).toEqual([
      { month: '2026-10', category: 'mobile_phone', province: '110000', tradeIns: 5, inspections: 0, dismantledUnits: 0, kgRecovered: 0, kgCo2eAvoided: 0 },
    ]);
  });
});
