import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFirm } from '../../src/firms/firms.service.ts';
import { GREEN_POINTS_RULE } from '../../src/green/green-points-rule.ts';
import { registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBMIT = (mutation: string) => `mutation($d:[JSON!]!){${mutation}(documents:$d){
  ... on SubmissionBatch { results { __typename ... on SubmissionAccepted { ticket } ... on SubmissionRejected { errors { code path } } } } ... on HubError { code } }}`;

const ME = /* GraphQL */ `
  {
    me {
      ... on Me {
        records(first: 50) {
          category
          disposition
          co2eAvoidedKg
          greenPoints
        }
        greenPoints {
          totalPoints
          co2eAvoidedKg
          rule {
            version
            pointsPerKg
            factorSet
          }
          months {
            period
            points
            co2eKg
          }
          entries(first: 50) {
            kind
            period
            points
            co2eKg
            factorSet
            pointsPerKg
            at
          }
        }
      }
    }
  }
`;

const STATEMENT = /* GraphQL */ `
  query ($period: String!, $platformId: String, $after: String) {
    greenPointsStatement(period: $period, platformId: $platformId) {
      __typename
      ... on GreenPointsStatement {
        period
        platformId
        final
        users
        totalPoints
        co2eKg
        entries
        lines(first: 1, after: $after) {
          subjectRef
          points
          co2eKg
          devices
        }
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

/**
 * The known data set (points = round(kg × 10)):
 *   firms: recycler-a recycler + dismantler licensed to 2029 (active); recycler-r recycler only (active);
 *     recycler-u not in the registry.
 *   November (clock 2026-11-20), platform-a:
 *     U1 phone P1 refurbished by recycler-a          49.2 kg  → 492
 *     U1 phone P2 pending at recycler-a              nothing yet
 *     U1 fridge F1 dismantled by recycler-a, 45.5 kg and 60 g R600a: 213.85 + 0.18 = 214.03 kg → 2140
 *     U2 phone P3 dismantled by recycler-r (no licence)  not verified
 *     U2 phone P4 refurbished by recycler-u (unregistered)  not verified
 *   platform-b: U3 phone P5 resold by recycler-a     49.2 kg → 492
 *   December (clock 2026-12-03): P2 resold by recycler-a → +492; P1 dismantled by recycler-a at 0.18 kg
 *     (0.846 kg) → reversal −492 and award +8; F1 dismantled again with the same figures → nothing.
 */
describe('green points', () => {
  let hub: TestHub;
  let clock = new Date('2026-11-20T08:00:00Z');
  const U1 = randomUUID();
  const U2 = randomUUID();
  const U3 = randomUUID();
  const tickets: Record<string, string> = {};

  const submit = async (mutation: string, documents: Record<string, unknown>[], party: string): Promise<string[]> => {
    const { body } = await hub.graphql(SUBMIT(mutation), { d: documents }, await hub.token(party));
    const results = body.data[mutation].results as { __typename: string; ticket?: string }[];
    expect(
      results.map((r) => r.__typename),
      JSON.stringify(body),
    ).toEqual(documents.map(() => 'SubmissionAccepted'));
    return results.map((r) => r.ticket ?? '');
  };
  const tradeIn = (ref: string, subjectRef: string, recycler: string, category = 'mobile_phone') => ({
    externalRef: `GP-${ref}`,
    subjectRef,
    category,
    brand: category === 'mobile_phone' ? 'Apple' : 'Haier',
    model: category === 'mobile_phone' ? 'iPhone 13 128GB' : 'BCD-470',
    usageMonths: 30,
    tradeInMonth: '2026-10',
    channel: 'online',
    quotedValuationFen: 120_000,
    recycler,
  });
  const dispose = (ref: string, device: string, disposition: string, extra: Record<string, unknown> = {}) => ({
    externalRef: `GP-DP-${ref}`,
    ticket: tickets[device],
    disposition,
    completedMonth: clock.toISOString().slice(0, 7),
    ...extra,
  });
  const me = async (subjectRef: string, platform = 'platform-a') => (await hub.graphql(ME, {}, await hub.token(platform, { subjectRef }))).body.data.me;
  const statement = async (period: string, party: string, platformId?: string, after?: string) =>
    (await hub.graphql(STATEMENT, { period, platformId, after }, await hub.token(party))).body.data.greenPointsStatement;

  beforeAll(async () => {
    hub = await createTestHub({ now: () => clock });
    const db = hub.app.database.db;
    await registerTestParty(hub, 'recycler-r', 'recycler');
    await registerTestParty(hub, 'recycler-u', 'recycler');
    await registerFirm(
      db,
      {
        partyId: 'recycler-a',
        capacities: ['recycler', 'dismantler'],
        creditCode: '91440300708461136T',
        licenceNumber: 'GD-FD-2024-018',
        licenceValidUntil: '2029-03-31',
        status: 'active',
      },
      clock,
    );
    await registerFirm(db, { partyId: 'recycler-r', capacities: ['recycler'], creditCode: '91350100M000100Y43', status: 'active' }, clock);

    const devices = ['P1', 'P2', 'F1', 'P3', 'P4'];
    const issued = await submit(
      'submitTradeIns',
      [
        tradeIn('P1', U1, 'recycler-a'),
        tradeIn('P2', U1, 'recycler-a'),
        tradeIn('F1', U1, 'recycler-a', 'refrigerator'),
        tradeIn('P3', U2, 'recycler-r'),
        tradeIn('P4', U2, 'recycler-u'),
      ],
      'platform-a',
    );
    devices.forEach((device, i) => (tickets[device] = issued[i]!));
    tickets.P5 = (await submit('submitTradeIns', [tradeIn('P5', U3, 'recycler-a')], 'platform-b'))[0]!;
    // One batch, one multi-row INSERT: the trigger posts every award of the statement at once.
    await submit(
      'submitDispositions',
      [
        dispose('P1', 'P1', 'refurbished'),
        dispose('P2', 'P2', 'pending'),
        dispose('F1', 'F1', 'dismantled_recycled', { weightKg: 45.5, refrigerant: { type: 'R600a', recoveredG: 60 } }),
        dispose('P5', 'P5', 'resold_as_is'),
      ],
      'recycler-a',
    );
    await submit('submitDispositions', [dispose('P3', 'P3', 'dismantled_recycled', { weightKg: 0.2, processorLicensed: true })], 'recycler-r');
    await submit('submitDispositions', [dispose('P4', 'P4', 'refurbished')], 'recycler-u');
  });
  afterAll(async () => hub?.close());

  it('awards points when a licensed firm records the disposition, shown per device to its user', async () => {
    const u1 = await me(U1);
    const byCategoryAndDisposition = u1.records.map((r: Record<string, unknown>) => [r.category, r.disposition, r.co2eAvoidedKg, r.greenPoints]);
    expect(byCategoryAndDisposition).toEqual(
      expect.arrayContaining([
        ['mobile_phone', 'refurbished', 49.2, 492],
        ['mobile_phone', 'pending', null, null],
        ['refrigerator', 'dismantled_recycled', 214.03, 2140],
      ]),
    );
    expect(u1.greenPoints).toMatchObject({
      totalPoints: 2632,
      co2eAvoidedKg: 263.23,
      rule: GREEN_POINTS_RULE,
      months: [{ period: '2026-11', points: 2632, co2eKg: 263.23 }],
    });
    expect(u1.greenPoints.entries).toHaveLength(2);
    expect(u1.greenPoints.entries[0]).toMatchObject({
      kind: 'AWARD',
      period: '2026-11',
      factorSet: 'tradein-hub-co2e-2026.1',
      pointsPerKg: 10,
      at: clock.toISOString(),
    });
  });

  it('awards nothing for a dismantling without a licence or a firm the registry does not list (not verified)', async () => {
    const u2 = await me(U2);
    expect(u2.records.map((r: Record<string, unknown>) => [r.co2eAvoidedKg, r.greenPoints])).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(u2.greenPoints).toMatchObject({ totalPoints: 0, co2eAvoidedKg: 0, months: [], entries: [] });
  });

  it("lists the platform's users per month, its own users only, page by page", async () => {
    const a = await statement('2026-11', 'platform-a');
    expect(a).toMatchObject({
      __typename: 'GreenPointsStatement',
      period: '2026-11',
      platformId: 'platform-a',
      final: false,
      users: 1,
      totalPoints: 2632,
      co2eKg: 263.23,
      entries: 2,
    });
    expect(a.lines).toEqual([{ subjectRef: U1, points: 2632, co2eKg: 263.23, devices: 2 }]);
    expect((await statement('2026-11', 'platform-a', undefined, U1)).lines).toEqual([]);
    const b = await statement('2026-11', 'platform-b');
    expect(b).toMatchObject({ users: 1, totalPoints: 492, lines: [{ subjectRef: U3, points: 492, co2eKg: 49.2, devices: 1 }] });
    // A platform naming another is answered with its own statement; the operator names any.
    expect((await statement('2026-11', 'platform-b', 'platform-a')).lines).toEqual(b.lines);
    expect((await statement('2026-11', 'operator-a', 'platform-a')).lines).toEqual(a.lines);
    expect(await statement('2026-10', 'platform-a')).toMatchObject({ users: 0, totalPoints: 0, lines: [] });
  });

  it('refuses other callers and a malformed period (unauthorised)', async () => {
    expect(await statement('2026-11', 'brand-a')).toMatchObject({ __typename: 'Forbidden' });
    expect(await statement('2026-11', 'operator-a')).toMatchObject({ __typename: 'LedgerRefused', code: 'statement.platform_required' });
    expect(await statement('2026-13', 'platform-a')).toMatchObject({ __typename: 'LedgerRefused', code: 'period.format' });
    const asUser = await hub.graphql(STATEMENT, { period: '2026-11' }, await hub.token('platform-a', { subjectRef: U1 }));
    expect(asUser.status).toBe(401);
  });

  it('reverses a standing award when a later disposition changes it, posts nothing when it does not, in the month it happens', async () => {
    clock = new Date('2026-12-03T09:00:00Z');
    await submit(
      'submitDispositions',
      [
        dispose('P2-late', 'P2', 'resold_as_is'),
        dispose('P1-late', 'P1', 'dismantled_recycled', { weightKg: 0.18 }),
        dispose('F1-again', 'F1', 'dismantled_recycled', { weightKg: 45.5, refrigerant: { type: 'R600a', recoveredG: 60 } }),
      ],
      'recycler-a',
    );
    const u1 = await me(U1);
    expect(u1.records.map((r: Record<string, unknown>) => [r.disposition, r.co2eAvoidedKg, r.greenPoints])).toEqual(
      expect.arrayContaining([
        ['resold_as_is', 49.2, 492],
        ['dismantled_recycled', 0.846, 8],
        ['dismantled_recycled', 214.03, 2140],
      ]),
    );
    expect(u1.greenPoints.totalPoints).toBe(2640);
    expect(u1.greenPoints.months).toEqual([
      { period: '2026-12', points: 8, co2eKg: 0.846 },
      { period: '2026-11', points: 2632, co2eKg: 263.23 },
    ]);
    expect(
      u1.greenPoints.entries
        .filter((e: { period: string }) => e.period === '2026-12')
        .map((e: { kind: string; points: number }) => [e.kind, e.points])
        .sort(),
    ).toEqual(
      [
        ['AWARD', 492],
        ['AWARD', 8],
        ['REVERSAL', -492],
      ].sort(),
    );
    // November's statement is final and unchanged; December carries the correction.
    expect(await statement('2026-11', 'platform-a')).toMatchObject({ final: true, totalPoints: 2632, entries: 2 });
    expect(await statement('2026-12', 'platform-a')).toMatchObject({
      final: false,
      users: 1,
      totalPoints: 8,
      entries: 3,
      lines: [{ subjectRef: U1, points: 8, devices: 2 }],
    });
  });

  it('keeps the ledger append-only, and each user and platform reads only their own entries', async () => {
    const db = hub.app.database.db;
    await expect(sql`update green_points set points = points + 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from green_points`.execute(db)).rejects.toThrow(/append-only/);
    // Judging every device again (what the migration does for dispositions stored before it) posts nothing new.
    await sql`select green_points_post(array(select distinct record_id from dispositions))`.execute(db);
    expect((await sql<{ n: number }>`select count(*)::int as n from green_points`.execute(db)).rows[0]!.n).toBe(6);
    const count = async (session: Parameters<typeof hub.app.sessionFor>[0]) =>
      (await sql<{ n: number }>`select count(*)::int as n from green_points`.execute(hub.app.sessionFor(session))).rows[0]!.n;
    expect(await count({ kind: 'party', partyId: 'platform-a', role: 'platform' })).toBe(5);
    expect(await count({ kind: 'party', partyId: 'platform-b', role: 'platform' })).toBe(1);
    expect(await count({ kind: 'party', partyId: 'recycler-a', role: 'recycler' })).toBe(0);
    expect(await count({ kind: 'user', platformId: 'platform-a', subjectRef: U1 })).toBe(5);
    expect(await count({ kind: 'user', platformId: 'platform-a', subjectRef: U2 })).toBe(0);
    expect(await count({ kind: 'party', partyId: 'operator-a', role: 'operator' })).toBe(6);
    await expect(
      sql`insert into green_points select * from green_points limit 1`.execute(hub.app.sessionFor({ kind: 'party', partyId: 'platform-a', role: 'platform' })),
    ).rejects.toThrow(/permission denied/);
  });

  it('exports the month as CSV and JSON beside the payout statement, to its platform only', async () => {
    const server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (path: string, party?: string) =>
      fetch(`${base}${path}`, party === undefined ? {} : { headers: { authorization: `Bearer ${await hub.token(party)}` } });
    try {
      const csv = await get('/statements/2026-11.green-points.csv', 'platform-a');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(await csv.text()).toBe(`subject_ref,points,co2e_kg,devices\n${U1},2632,263.23,2\n`);
      const json = await (await get('/statements/2026-12.green-points.json', 'platform-a')).json();
      expect(json).toEqual({
        period: '2026-12',
        platformId: 'platform-a',
        users: 1,
        totalPoints: 8,
        co2eKg: 0.846,
        entries: 3,
        rule: GREEN_POINTS_RULE,
        lines: [{ subjectRef: U1, points: 8, co2eKg: 0.846, devices: 2 }],
      });
      expect(await (await get('/statements/2026-11.green-points.csv?platform=platform-a', 'operator-a')).text()).toContain(`${U1},2632`);
      expect((await get('/statements/2026-11.green-points.csv', 'brand-a')).status).toBe(403);
      expect((await get('/statements/2026-11.green-points.csv')).status).toBe(401);
      // The payout statement's own file is untouched: no payout run, no statement.
      expect((await get('/statements/2026-11.csv', 'platform-a')).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('posts one award for two batches that record the same device alike, sent together', async () => {
    const U4 = randomUUID();
    tickets.P6 = (await submit('submitTradeIns', [tradeIn('P6', U4, 'recycler-a')], 'platform-b'))[0]!;
    const token = await hub.token('recycler-a');
    const answers = await Promise.all(
      ['x', 'y'].map((tag) => hub.graphql(SUBMIT('submitDispositions'), { d: [dispose(`P6-${tag}`, 'P6', 'refurbished')] }, token)),
    );
    for (const { body } of answers) expect(body.data.submitDispositions.results[0].__typename).toBe('SubmissionAccepted');
    const u4 = await me(U4, 'platform-b');
    expect(u4.greenPoints.entries.map((e: { kind: string; points: number }) => [e.kind, e.points])).toEqual([['AWARD', 492]]);
  });

  it("adds the month's green points to the platform's payout statement", async () => {
    // A closed November with a statement for platform-a (the ledger's own rows; no query was billed here).
    const db = hub.app.database.db;
    await sql`insert into ledger_periods (period, status, opened_at, closed_at) values ('2026-11', 'closed', ${clock}::timestamptz, ${clock}::timestamptz)`.execute(
      db,
    );
    await sql`insert into payout_runs (period, id, minimum_fen, subjects, earned_fen, brought_forward_fen, paid_fen, carried_fen, created_at)
      values ('2026-11', ${randomUUID()}, 100, 0, 0, 0, 0, 0, ${clock}::timestamptz)`.execute(db);
    await sql`insert into statements (period, platform_id, subjects, total_fen, issued_at) values ('2026-11', 'platform-a', 0, 0, ${clock}::timestamptz)`.execute(
      db,
    );
    const { body } = await hub.graphql(
      '{ payoutStatement(period: "2026-11") { ... on PayoutStatement { period greenPoints { period platformId totalPoints lines { subjectRef points } } } } }',
      {},
      await hub.token('platform-a'),
    );
    expect(body.data.payoutStatement).toEqual({
      period: '2026-11',
      greenPoints: { period: '2026-11', platformId: 'platform-a', totalPoints: 2632, lines: [{ subjectRef: U1, points: 2632 }] },
    });
  });
});
