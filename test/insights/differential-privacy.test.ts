import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPopulation, type PopulationMember } from '../support/insights-population.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const subjectRef = (i: number) => `uDpBudgetSubject-${i.toString(36).padStart(4, 'a')}-consenting`;

/** 150 refrigerators of one model, dismantled or not; every owner consents to recycling optimisation. */
function population(): PopulationMember[] {
  return Array.from({ length: 150 }, (_, i) => ({
    subjectRef: subjectRef(i),
    tradeIn: {
      externalRef: `DP-${i}`,
      category: 'refrigerator',
      brand: '美的',
      model: 'BCD-516WKPZM',
      usageMonths: 60 + (i % 40),
      tradeInMonth: i % 2 === 0 ? '2026-08' : '2026-09',
      channel: 'door_to_door',
      quotedValuationFen: 80_000 + 100 * i,
    },
  }));
}

const QUERY = /* GraphQL */ `
  query ($measures: [InsightMeasure!]!, $filter: InsightFilter) {
    insights(purpose: "recycling-optimization", groupBy: [category], measures: $measures, filter: $filter) {
      __typename
      ... on Insights {
        queryId
        rows {
          keys
          remainder
          subjects
          values
        }
        suppressedGroups
        remainderDropped
        subjectsCounted
        priceFen
        noise {
          mechanism
          epsilonSpent
          epsilonRemaining
          monthlyBudget
          repeat
          releaseThreshold
          withheldRecords
        }
      }
      ... on AccessDenied {
        matchedRules
        reasons
      }
    }
  }
`;

describe('insights under differential privacy', () => {
  let hub: TestHub;
  let recycler: string;
  const ask = async (variables: Record<string, unknown>) => (await hub.graphql(QUERY, variables, recycler)).body.data.insights;
  const charged = async (queryId: string) =>
    (
      await sql<{ fen: string }>`
    select -l.amount_fen as fen from journals j join journal_lines l on l.journal_id = j.id
    where j.query_id = ${queryId}::uuid and l.account = 'party:recycler-a'`.execute(hub.app.database.db)
    ).rows.map((r) => Number(r.fen));
  const price = () => (hub.app.policies.get('recycling-optimization') as { pricePerSubjectFen: number }).pricePerSubjectFen;

  beforeAll(async () => {
    hub = await createTestHub({ secret: Buffer.alloc(32, 41) });
    recycler = await hub.token('recycler-a');
    await seedPopulation(hub, population(), ['recycling-optimization']);
    await hub.graphql('mutation{requestAgreement(purpose:"recycling-optimization"){__typename}}', {}, recycler);
  }, 600_000);
  afterAll(async () => hub.close());

  it('adds integer noise, says so, hides exact totals and the remainder, charges ε and bills the noisy total', async () => {
    const answer = await ask({ measures: ['count', 'share'] });
    expect(answer.__typename).toBe('Insights');
    expect(answer.noise).toMatchObject({ mechanism: 'discrete-laplace', epsilonSpent: 1, epsilonRemaining: 99, monthlyBudget: 100, repeat: false });
    expect(answer).toMatchObject({ subjectsCounted: null, priceFen: null, suppressedGroups: null, remainderDropped: null });
    expect(answer.rows).toHaveLength(1);
    const row = answer.rows[0];
    expect(row.remainder).toBe(false);
    expect(Number.isInteger(row.values.count)).toBe(true);
    expect(row.values.count).toBeGreaterThanOrEqual(answer.noise.releaseThreshold);
    // Within a loose band of the truth (150), but the exact count is not what is told.
    expect(Math.abs(row.values.count - 150)).toBeLessThan(40);
    expect(await charged(answer.queryId)).toEqual([row.subjects * price()]);
  });

  it('answers a repeated request identically and for free, however often it is asked, and bills each time', async () => {
    const first = await ask({ measures: ['count', 'share'] });
    const repeats = [];
    for (let i = 0; i < 12; i++) repeats.push(await ask({ measures: ['share', 'count'] }));
    for (const repeat of repeats) {
      expect(repeat.rows).toEqual(first.rows);
      expect(repeat.noise).toMatchObject({ epsilonSpent: 0, epsilonRemaining: 99, repeat: true });
      expect(await charged(repeat.queryId)).toEqual([first.rows[0].subjects * price()]);
    }
    const { rows } = await sql<{ epsilon_spent: string; queries: number }>`select epsilon_spent, queries from dp_budget`.execute(hub.app.database.db);
    expect(rows).toEqual([{ epsilon_spent: '1.000000', queries: 1 }]);
  }, 300_000);

  it('draws fresh noise, at a charge, for a different request or once the data changed', async () => {
    const before = await ask({ measures: ['count'], filter: { tradeInMonthFrom: '2026-08' } });
    expect(before.noise).toMatchObject({ epsilonSpent: 1, repeat: false });
    const counts = new Set<number>([before.rows[0].values.count]);
    // Each new trade-in is a new version of the data: the same request draws new noise and pays again.
    for (let i = 0; i < 6; i++) {
      await seedPopulation(
        hub,
        [{ subjectRef: subjectRef(1000 + i), tradeIn: { ...population()[0]!.tradeIn, externalRef: `DP-late-${i}` } }],
        ['recycling-optimization'],
      );
      const after = await ask({ measures: ['count'], filter: { tradeInMonthFrom: '2026-08' } });
      expect(after.noise).toMatchObject({ epsilonSpent: 1, repeat: false });
      counts.add(after.rows[0].values.count);
    }
    // Seven draws around 150–156 from noise of scale 2: identical answers every time would mean no fresh noise.
    expect(counts.size).toBeGreaterThan(1);
  }, 300_000);

  it('refuses a new request that would overspend the month, and still answers a repeat, which costs nothing', async () => {
    await sql`update dp_budget set epsilon_spent = 99.5`.execute(hub.app.database.db);
    const fresh = await ask({ measures: ['count'], filter: { tradeInMonthTo: '2026-09' } });
    expect(fresh.matchedRules).toEqual(['budget.exceeded']);
    // The last request of the test before, over the same data since.
    const repeat = await ask({ measures: ['count'], filter: { tradeInMonthFrom: '2026-08' } });
    expect(repeat.__typename).toBe('Insights');
    expect(repeat.noise).toMatchObject({ epsilonSpent: 0, repeat: true, epsilonRemaining: 0.5 });
    const denials = await sql<{
      n: number;
    }>`select count(*)::int as n from access_log where decision = 'deny' and 'budget.exceeded' = any(matched_rules)`.execute(hub.app.database.db);
    expect(denials.rows[0]!.n).toBe(1);
  });
});
