import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const users = ['uPositionUser000000000000000000001', 'uPositionUser000000000000000000002', 'uPositionUser000000000000000000003'];
const CHANGE = (name: string) => `mutation { ${name}(purpose: "product-rnd") { __typename } }`;

/* The consent ledger's global position: gap-free, unique, in commit order, and no window on other subjects. */
describe('the consent ledger position', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  it('numbers every event of every subject 1, 2, 3… in the order they committed, concurrent changes included', async () => {
    for (const ref of users)
      expect((await hub.graphql(CHANGE('grantConsent'), {}, await hub.token('platform-a', { subjectRef: ref }))).body.data.grantConsent.__typename).toBe(
        'ConsentChanged',
      );
    await Promise.all(users.map(async (ref) => hub.graphql(CHANGE('withdrawConsent'), {}, await hub.token('platform-a', { subjectRef: ref }))));
    const { rows } = await sql<{ position: string; created_at: Date }>`select position::text, created_at from consent_events order by position`.execute(
      hub.app.database.db,
    );
    expect(rows.map((row) => Number(row.position))).toEqual([1, 2, 3, 4, 5, 6]);
    const head = await sql<{ value: string }>`select value from hub_settings where key = 'consent_ledger_head'`.execute(hub.app.database.db);
    expect(head.rows[0]!.value).toBe('6');
    await expect(sql`insert into consent_events select * from consent_events where position = 1`.execute(hub.app.database.db)).rejects.toThrow();
  });

  it('shows a user the positions of their own events only, and gives no serving role the counter itself', async () => {
    const me = hub.app.sessionFor({ kind: 'user', platformId: 'platform-a', subjectRef: users[0]! });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from consent_events`.execute(me);
    expect(rows[0]!.n).toBe(2);
    await expect(sql`select hub_consent_position()`.execute(me)).rejects.toThrow(/permission denied/);
    await expect(sql`select value from hub_settings`.execute(me)).rejects.toThrow(/permission denied/);
  });
});
