import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../src/audit/audit.service.ts';
import { catalogueModels } from '../support/catalogue.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const INSIGHTS = /* GraphQL */ `
  query ($purpose: String!, $groupBy: [InsightDimension!]!, $measures: [InsightMeasure!]!, $filter: InsightFilter) {
    insights(purpose: $purpose, groupBy: $groupBy, measures: $measures, filter: $filter) {
      __typename
      ... on Insights {
        queryId
        minGroupSize
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
      }
      ... on AccessDenied {
        code
        matchedRules
        reasons
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

const subject = (i: number) => `uInsightSubject-${'abcdefghijklmnopqrstuvwxyz'[i]}-consenting-user`;

describe('insights', () => {
  let hub: TestHub;
  let brand: string;
  const grant = async (i: number, purpose = 'product-rnd') =>
    hub.graphql('mutation($p:String!){grantConsent(purpose:$p){__typename}}', { p: purpose }, await hub.token('platform-a', { subjectRef: subject(i) }));
  const withdraw = async (i: number) =>
    hub.graphql(
      'mutation($p:String!){withdrawConsent(purpose:$p){__typename}}',
      { p: 'product-rnd' },
      await hub.token('platform-a', { subjectRef: subject(i) }),
    );
  const query = async (variables: Record<string, unknown>, token = brand) =>
    (
      await hub.graphql(
        INSIGHTS,
        { purpose: 'product-rnd', groupBy: ['model'], measures: ['count', 'usageMonthsAvg', 'gradeDistribution'], ...variables },
        token,
      )
    ).body.data.insights;

  beforeAll(async () => {
    // Noise off: these tests pin k-suppression and consent freshness on exact figures (the noisy path is
    // tested in differential-privacy.test.ts and differencing-attacks.test.ts).
    hub = await createTestHub({ env: { HUB_INSIGHTS_NOISE: 'off' } });
    brand = await hub.token('brand-a');
    await catalogueModels(hub, [
      { brand: 'Apple', model: 'iPhone 13 128GB' },
      { brand: 'Apple', model: 'iPhone 12 128GB', launchMonth: '2020-10' },
    ]);
    // Ten users traded in model A, nine model B; each device inspected.
    const docs = Array.from({ length: 19 }, (_, i) => ({
      externalRef: `INS-${i}`,
      subjectRef: subject(i),
      category: 'mobile_phone',
      brand: 'Apple',
      model: i < 10 ? 'iPhone 13 128GB' : 'iPhone 12 128GB',
      usageMonths: 20 + i,
      tradeInMonth: '2026-09',
      channel: 'online',
      quotedValuationFen: 150_000,
      recycler: 'recycler-a',
    }));
    const submitted = await hub.graphql(
      'mutation($d:[JSON!]!){submitTradeIns(documents:$d){... on SubmissionBatch{results{... on SubmissionAccepted{ticket}}}}}',
      { d: docs },
      await hub.token('platform-a'),
    );
    const tickets = submitted.body.data.submitTradeIns.results.map((r: { ticket: string }) => r.ticket);
    await hub.graphql(
      'mutation($d:[JSON!]!){submitInspections(documents:$d){__typename}}',
      {
        d: tickets.map((ticket: string, i: number) => ({ externalRef: `QC-${i}`, ticket, grade: i % 2 === 0 ? 'A' : 'B', inspectedMonth: '2026-09' })),
      },
      await hub.token('recycler-a'),
    );
    for (let i = 0; i < 19; i++) await grant(i);
  });
  afterAll(async () => hub.close());

  it('refuses a brand without an agreement (agreement missing)', async () => {
    const denied = await query({});
    expect(denied).toMatchObject({ __typename: 'AccessDenied', code: 'access.denied' });
    expect(denied.matchedRules).toContain('agreement.missing');
  });

  it('answers a brand with an active agreement, releasing a row of k subjects and suppressing one of k−1', async () => {
    const { agreement } = (await hub.graphql('mutation{requestAgreement(purpose:"product-rnd"){... on AgreementResult{agreement{id}}}}', {}, brand)).body.data
      .requestAgreement;
    await hub.graphql('mutation($id:ID!){approveAgreement(id:$id){__typename}}', { id: agreement.id }, await hub.token('operator-a'));
    const answer = await query({});
    expect(answer.__typename).toBe('Insights');
    expect(answer.minGroupSize).toBe(10);
    expect(answer.rows).toEqual([
      {
        keys: { model: 'iPhone 13 128GB' },
        remainder: false,
        subjects: 10,
        values: { count: 10, usageMonthsAvg: 24.5, gradeDistribution: { A: 0.5, B: 0.5 } },
      },
    ]);
    expect(answer).toMatchObject({ suppressedGroups: 1, remainderDropped: true, subjectsCounted: 10 });
    expect(answer.priceFen).toBe(10 * (hub.app.policies.get('product-rnd') as { pricePerSubjectFen: number }).pricePerSubjectFen);
  });

  it('releases the group once it reaches k', async () => {
    await hub.graphql(
      'mutation($d:[JSON!]!){submitTradeIns(documents:$d){__typename}}',
      {
        d: [
          {
            externalRef: 'INS-19',
            subjectRef: subject(19),
            category: 'mobile_phone',
            brand: 'Apple',
            model: 'iPhone 12 128GB',
            usageMonths: 12,
            tradeInMonth: '2026-09',
            channel: 'online',
            quotedValuationFen: 120_000,
          },
        ],
      },
      await hub.token('platform-a'),
    );
    await grant(19);
    const answer = await query({});
    expect(answer.rows.map((r: { keys: { model: string }; subjects: number }) => [r.keys.model, r.subjects])).toEqual(
      expect.arrayContaining([
        ['iPhone 13 128GB', 10],
        ['iPhone 12 128GB', 10],
      ]),
    );
    expect(answer.suppressedGroups).toBe(0);
  });

  it('leaves out a subject who withdrew from the very next query (consent withdrawn)', async () => {
    await withdraw(0);
    const answer = await query({ filter: { model: ['iPhone 13 128GB'] } });
    expect(answer.rows).toEqual([]);
    expect(answer).toMatchObject({ suppressedGroups: 1, remainderDropped: true, subjectsCounted: 0 });
    await grant(0);
    expect((await query({ filter: { model: ['iPhone 13 128GB'] } })).rows[0].subjects).toBe(10);
  });

  it('refuses the brand once its agreement has expired (agreement expired)', async () => {
    await sql`update agreements set valid_to = now() - interval '1 day' where party_id = 'brand-a' and status = 'active'`.execute(hub.app.database.db);
    const denied = await query({});
    expect(denied.matchedRules).toContain('agreement.expired');
    await sql`update agreements set valid_to = now() + interval '300 days' where party_id = 'brand-a' and status = 'active'`.execute(hub.app.database.db);
    expect((await query({})).__typename).toBe('Insights');
  });

  it('refuses resale even to a party holding every agreement', async () => {
    const denied = (await hub.graphql(INSIGHTS, { purpose: 'resale', groupBy: ['model'], measures: ['count'] }, brand)).body.data.insights;
    expect(denied.matchedRules[0]).toBe('purpose.forbidden');
  });

  it('refuses a dimension the policy does not allow, and a filter value carrying personal data', async () => {
    const notAllowed = await query({ groupBy: ['prefecture'] });
    const policy = hub.app.policies.get('product-rnd') as unknown as { dimensions: string[] };
    if (!policy.dimensions.includes('prefecture')) expect(notAllowed.matchedRules).toContain('request.dimension_not_allowed');
    const personal = await query({ filter: { model: ['iPhone 13912345678'] } });
    expect(personal.matchedRules).toContain('request.filter_value_personal');
    expect(JSON.stringify(personal)).not.toContain('13912345678');
  });

  it('records which subjects each released query counted, visible to the user', async () => {
    const me = await hub.graphql('{ me { ... on Me { queries { partyId purpose queryId } } } }', {}, await hub.token('platform-a', { subjectRef: subject(3) }));
    expect(me.body.data.me.queries.length).toBeGreaterThanOrEqual(3);
    expect(me.body.data.me.queries[0]).toMatchObject({ partyId: 'brand-a', purpose: 'product-rnd' });
    const other = await hub.graphql('{ me { ... on Me { queries { queryId } } } }', {}, await hub.token('platform-a', { subjectRef: subject(12) }));
    expect(other.body.data.me.queries.length).toBeLessThan(me.body.data.me.queries.length);
  });

  it('counts every record, consenting or anonymous, for a statutory purpose, and only for the regulator', async () => {
    await hub.graphql(
      'mutation($d:[JSON!]!){submitTradeIns(documents:$d){__typename}}',
      {
        d: Array.from({ length: 5 }, (_, i) => ({
          externalRef: `ANON-${i}`,
          category: 'refrigerator',
          brand: '美的',
          model: 'BCD-516WKPZM',
          usageMonths: 70,
          tradeInMonth: '2026-09',
          channel: 'door_to_door',
          quotedValuationFen: 60_000,
        })),
      },
      await hub.token('platform-a'),
    );
    const { rows } = await sql<{ category: string; n: number }>`select category, count(*)::int as n from records group by category order by category`.execute(
      hub.app.database.db,
    );
    const statutory = { purpose: 'regulatory-statistics', groupBy: ['category'], measures: ['count'] };
    const answer = (await hub.graphql(INSIGHTS, statutory, await hub.token('regulator-a'))).body.data.insights;
    expect(
      answer.rows
        .map((r: { keys: { category: string }; values: { count: number } }) => ({ category: r.keys.category, n: r.values.count }))
        .sort((a: { category: string }, b: { category: string }) => a.category.localeCompare(b.category)),
    ).toEqual(rows);
    expect(answer).toMatchObject({ subjectsCounted: null, priceFen: null });
    const asBrand = (await hub.graphql(INSIGHTS, statutory, brand)).body.data.insights;
    expect(asBrand.matchedRules).toContain('role.not_allowed');
  });

  it('lets the regulator list the log, and nobody else (unauthorised)', async () => {
    const LOG =
      '{ accessLog(first: 50) { __typename ... on QueryAccessLogSuccess { data { seq decision purpose matchedRules partyId } } ... on HubError { code } } }';
    const asRegulator = (await hub.graphql(LOG, {}, await hub.token('regulator-a'))).body.data.accessLog;
    expect(asRegulator.data.length).toBeGreaterThan(3);
    expect(asRegulator.data.some((e: { decision: string; purpose: string }) => e.decision === 'deny' && e.purpose === 'resale')).toBe(true);
    const asBrand = (await hub.graphql(LOG, {}, brand)).body.data.accessLog;
    expect(asBrand).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
  });

  it('logs every decision, allowed and denied, in a chain that audit verify checks and a tampered entry breaks', async () => {
    const { rows } = await sql<{
      decision: string;
      n: number;
    }>`select decision, count(*)::int as n from access_log group by decision order by decision`.execute(hub.app.database.db);
    expect(rows.map((r) => r.decision)).toEqual(['allow', 'deny']);
    expect((await verifyAccessLog(hub.app.database.db)).firstBreak).toBeUndefined();
    // The log refuses edits at the database; an attacker who owns the tables turns the trigger off first.
    await expect(sql`update access_log set subjects_counted = subjects_counted + 1 where seq = 3`.execute(hub.app.database.db)).rejects.toThrow(/append-only/);
    await sql`alter table access_log disable trigger access_log_append_only`.execute(hub.app.database.db);
    await sql`update access_log set subjects_counted = subjects_counted + 1 where seq = 3`.execute(hub.app.database.db);
    await sql`alter table access_log enable trigger access_log_append_only`.execute(hub.app.database.db);
    expect((await verifyAccessLog(hub.app.database.db)).firstBreak).toEqual({ seq: 3, reason: 'hash_mismatch' });
  });
});
