import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoUniform, epsilonPerStatistic, laplaceNoise, releaseCount } from '../../src/insights/differential-privacy.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

describe('laplaceNoise', () => {
  it('draws uniforms strictly inside (0, 1) from the cryptographic source', () => {
    for (let i = 0; i < 10_000; i++) {
      const u = cryptoUniform();
      expect(u > 0 && u < 1).toBe(true);
    }
  });

  it('has mean 0 and mean absolute value equal to its scale', () => {
    const draws = Array.from({ length: 40_000 }, () => laplaceNoise(2));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const meanAbs = draws.reduce((a, b) => a + Math.abs(b), 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(meanAbs).toBeGreaterThan(1.9);
    expect(meanAbs).toBeLessThan(2.1);
  });

  it('maps the uniform through the inverse Laplace CDF', () => {
    expect(laplaceNoise(1, () => 0.5)).toBe(-0);
    expect(laplaceNoise(1, () => 0.75)).toBeCloseTo(-Math.log(0.5), 12);
    expect(laplaceNoise(1, () => 0.25)).toBeCloseTo(Math.log(0.5), 12);
    expect(() => laplaceNoise(0)).toThrow(RangeError);
  });

  it('makes two counts that differ by one subject rarely differ by exactly one', () => {
    const eps = epsilonPerStatistic(0.5, 1);
    let exactlyOne = 0;
    for (let i = 0; i < 4_000; i++) if (releaseCount(20, 1 / eps) - releaseCount(19, 1 / eps) === 1) exactlyOne++;
    expect(exactlyOne / 4_000).toBeLessThan(0.3);
  });
});

describe('insights under differential privacy', () => {
  let hub: TestHub;
  let recycler: string;
  const subject = (i: number) => `uPrivacyBudgetUser-${'abcdefghijklmnopqrst'[i]}-consenting`;
  const QUERY = /* GraphQL */ `
    query ($measures: [InsightMeasure!]!) {
      insights(purpose: "recycling-optimization", groupBy: [category], measures: $measures) {
        __typename
        ... on Insights { queryId rows { keys subjects values } subjectsCounted priceFen noise { mechanism epsilonSpent epsilonRemaining monthlyBudget } }
        ... on AccessDenied { matchedRules reasons }
      }
    }`;

  beforeAll(async () => {
    hub = await createTestHub();
    recycler = await hub.token('recycler-a');
    const docs = Array.from({ length: 20 }, (_, i) => ({
      externalRef: `DP-${i}`, subjectRef: subject(i), category: 'refrigerator', brand: '美的', model: 'BCD-516WKPZM',
      usageMonths: 60 + i, tradeInMonth: '2026-08', channel: 'door_to_door', quotedValuationFen: 80_000,
    }));
    await hub.graphql('mutation($d:[JSON!]!){submitTradeIns(documents:$d){__typename}}', { d: docs }, await hub.token('platform-a'));
    for (let i = 0; i < 20; i++) {
      await hub.graphql('mutation{grantConsent(purpose:"recycling-optimization"){__typename}}', {}, await hub.token('platform-a', { subjectRef: subject(i) }));
    }
    await hub.graphql('mutation{requestAgreement(purpose:"recycling-optimization"){__typename}}', {}, recycler);
  });
  afterAll(async () => hub.close());

  it('refuses a measure it cannot release with noise', async () => {
    const denied = (await hub.graphql(QUERY, { measures: ['count', 'valuationP50'] }, recycler)).body.data.insights;
    expect(denied.matchedRules).toEqual(['request.measure_not_dp_supported']);
  });

  it('adds noise, says so, charges ε, hides exact totals, and refuses the query that would overspend', async () => {
    const counts: number[] = [];
    for (let q = 1; q <= 10; q++) {
      const answer = (await hub.graphql(QUERY, { measures: ['count', 'share'] }, recycler)).body.data.insights;
      expect(answer.__typename).toBe('Insights');
      expect(answer.noise).toEqual({ mechanism: 'laplace', epsilonSpent: 0.5, epsilonRemaining: 5 - 0.5 * q, monthlyBudget: 5 });
      expect(answer.subjectsCounted).toBeNull();
      expect(answer.priceFen).toBeNull();
      const row = answer.rows[0];
      expect(Number.isInteger(row.values.count) && row.values.count >= 0).toBe(true);
      counts.push(row.values.count);
      // The bill is the price of the noisy total, not the exact one the noise hides.
      const charged = await sql<{ fen: string }>`
        select -l.amount_fen as fen from journals j join journal_lines l on l.journal_id = j.id
        where j.query_id = ${answer.queryId}::uuid and l.account = 'party:recycler-a'`.execute(hub.app.database.db);
      const price = (hub.app.policies.get('recycling-optimization') as { pricePerSubjectFen: number }).pricePerSubjectFen;
      const noisyTotal = answer.rows.reduce((sum: number, r: { subjects: number }) => sum + r.subjects, 0);
      expect(charged.rows.map((r) => Number(r.fen))).toEqual(noisyTotal === 0 ? [] : [noisyTotal * price]);
    }
    // Twenty consenting subjects; ten noisy releases that all equal 20 would mean no noise was added.
    expect(counts.every((c) => c === 20)).toBe(false);
    const overspend = (await hub.graphql(QUERY, { measures: ['count'] }, recycler)).body.data.insights;
    expect(overspend.matchedRules).toEqual(['budget.exceeded']);
    const { rows } = await sql<{ epsilon_spent: string; queries: number }>`select epsilon_spent, queries from dp_budget`.execute(hub.app.database.db);
    expect(rows).toEqual([{ epsilon_spent: '5.000000', queries: 10 }]);
    const denials = await sql<{ n: number }>`select count(*)::int as n from access_log where decision = 'deny' and 'budget.exceeded' = any(matched_rules)`.execute(hub.app.database.db);
    expect(denials.rows[0]!.n).toBe(1);
  });
});
