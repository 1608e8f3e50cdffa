import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import { HUB_ROLES } from '../../src/db/sessions.ts';
import type { Principal } from '../../src/server/auth.ts';
import { subjectIdFor } from '../../src/subjects/subject-id.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { tradeInDocument } from '../support/documents.ts';

/**
 * Tables that hold no party's and no subject's rows, each with the reason. Every other table of the hub's
 * schema must have row-level security on and at least one policy: a table added without one (a new
 * feature's) fails the coverage test below until it gets its policies or a reason here.
 */
const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  hub_migrations: 'which migrations ran; no serving role may touch it',
  hub_settings: 'the hub secret and the access-log head; no serving role may touch it (security-definer functions move the head)',
  parties: 'the registry every token is checked against: ids, roles, display names',
  party_keys: 'public keys, read to verify tokens',
  ledger_periods: "the ledger's calendar: a month and whether it is closed",
  payout_runs: "a closed month's totals over all platforms, no party's or subject's line",
  firms: 'the participating-firm registry: names, capacities, credit codes, licences and statuses, public by design (no contact data)',
  insight_data_version: 'sharded counters of committed changes to the data insights read (seeds consistent noise); no party or subject',
  audit_checkpoints: 'signed (chain, length, head hash) of the audit chains; no party or subject named',
  insight_cells: "the analytic store: per purpose and dimension tuple, counts of consenting subjects' records; no party or subject named",
  insight_cell_values: 'the analytic store: per cell, how many records have each value of a measured input; no party or subject named',
  insight_cell_faults: 'the analytic store: per cell, how many records list each fault code at each position; no party or subject named',
  insight_rollups:
    "the analytic store's rollups: per grain, purpose and coarse dimension tuple, counts of consenting subjects' records; no party or subject named",
  insight_rollup_values:
    "the analytic store's rollups: per rollup, how many records have each (coarsened) value of a measured input; no party or subject named",
  insight_rollup_labels: "the analytic store's rollups: per rollup, how many records carry each fault code, grade or disposition; no party or subject named",
};

const SUBMIT = `mutation ($d: [JSON!]!) { submitTradeIns(documents: $d) {
  ... on SubmissionBatch { results { __typename ... on SubmissionAccepted { submissionId ticket } } } } }`;
const CONSENT = 'mutation ($p: String!) { grantConsent(purpose: $p) { __typename } }';

const PLATFORM_A: Principal = { kind: 'party', partyId: 'platform-a', role: 'platform' };
const PLATFORM_B: Principal = { kind: 'party', partyId: 'platform-b', role: 'platform' };
const SUBJECT_A = '3f1c9a52-7e4b-4d2a-9c81-5b6e0a2f4d17';
const SUBJECT_B = '8a2d4e61-0b3f-4c5e-a7d9-1e6f2b8c9a03';

const tradeIn = (externalRef: string, subjectRef: string) => tradeInDocument(externalRef, { subjectRef });

async function scalar<T>(db: Db, query: ReturnType<typeof sql<{ v: T }>>): Promise<T> {
  return (await query.execute(db)).rows[0]!.v;
}

describe('row-level security in effect while the hub serves', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub();
    const a = await hub.graphql(SUBMIT, { d: [tradeIn('RLS-A-1', SUBJECT_A)] }, await hub.token('platform-a'));
    expect(a.body.data.submitTradeIns.results[0].__typename).toBe('SubmissionAccepted');
    const b = await hub.graphql(SUBMIT, { d: [tradeIn('RLS-B-1', SUBJECT_B)] }, await hub.token('platform-b'));
    expect(b.body.data.submitTradeIns.results[0].__typename).toBe('SubmissionAccepted');
    for (const [platform, subjectRef] of [
      ['platform-a', SUBJECT_A],
      ['platform-b', SUBJECT_B],
    ] as const) {
      const granted = await hub.graphql(CONSENT, { p: 'product-rnd' }, await hub.token(platform, { subjectRef }));
      expect(granted.body.data.grantConsent.__typename, platform).toBe('ConsentChanged');
    }
  });
  afterAll(async () => hub.close());

  it('serves every caller through hub_app: not a superuser, not bypassing, owning none of the tables', async () => {
    const callers: (Principal | null)[] = [null, PLATFORM_A, { kind: 'user', platformId: 'platform-a', subjectRef: SUBJECT_A }];
    for (const caller of callers) {
      const db = hub.app.sessionFor(caller);
      const { rows } = await sql<{ who: string; usesuper: boolean; bypass: boolean; owned: number }>`
        select current_user as who, r.rolsuper as usesuper, r.rolbypassrls as bypass,
          (select count(*)::int from pg_tables where schemaname = current_schema() and tableowner = current_user) as owned
        from pg_roles r where r.rolname = current_user`.execute(db);
      expect(rows, JSON.stringify(caller)).toEqual([{ who: 'hub_app', usesuper: false, bypass: false, owned: 0 }]);
    }
    // The twin: the owner the migrations ran as is another role, and owns the tables.
    const owner = await scalar(hub.app.database.db, sql<{ v: string }>`select current_user as v`);
    expect(owner).not.toBe('hub_app');
    expect(
      await scalar(
        hub.app.database.db,
        sql<{ v: number }>`
      select count(*)::int as v from pg_tables where schemaname = current_schema() and tableowner = current_user`,
      ),
    ).toBeGreaterThan(10);
  });

  it('checks tokens through the serving role too', async () => {
    // The verifier reads keys through the anonymous session; a request must still authenticate.
    const listed = await hub.graphql(
      '{ mySubmissions(first: 10) { ... on SubmissionConnection { edges { node { id } } } } }',
      {},
      await hub.token('platform-a'),
    );
    expect(listed.body.data.mySubmissions.edges).toHaveLength(1);
  });

  it("returns nothing for a query that names another party's id in a party's request context", async () => {
    const asB = hub.app.sessionFor(PLATFORM_B);
    const wrong = {
      submissions: await scalar(asB, sql<{ v: number }>`select count(*)::int as v from submissions where party_id = 'platform-a'`),
      tickets: await scalar(asB, sql<{ v: number }>`select count(*)::int as v from tickets where platform_id = 'platform-a'`),
      subjects: await scalar(asB, sql<{ v: number }>`select count(*)::int as v from subjects where platform_id = 'platform-a'`),
      recordSubjects: await scalar(asB, sql<{ v: number }>`select count(*)::int as v from record_subjects where platform_id = 'platform-a'`),
      consents: await scalar(asB, sql<{ v: number }>`select count(*)::int as v from consents`),
      accessLog: await scalar(asB, sql<{ v: number }>`select count(*)::int as v from access_log where party_id = 'platform-a'`),
    };
    expect(wrong).toEqual({ submissions: 0, tickets: 0, subjects: 0, recordSubjects: 0, consents: 0, accessLog: 0 });
    // The twin: the same queries in platform-a's own context find its rows.
    const asA = hub.app.sessionFor(PLATFORM_A);
    expect(await scalar(asA, sql<{ v: number }>`select count(*)::int as v from submissions where party_id = 'platform-a'`)).toBe(1);
    expect(await scalar(asA, sql<{ v: number }>`select count(*)::int as v from tickets where platform_id = 'platform-a'`)).toBe(1);
    expect(await scalar(asA, sql<{ v: number }>`select count(*)::int as v from subjects where platform_id = 'platform-a'`)).toBe(1);
    // And a write in another party's name is refused by the database itself.
    await expect(
      sql`update submissions set created_at = now() where party_id = 'platform-a'`.execute(asB).then((r) => Number(r.numAffectedRows)),
    ).resolves.toBe(0);
    await expect(
      sql`insert into ingest_batches (id, party_id, kind, channel, received_at, item_count, accepted_count, rejected_count)
      values (gen_random_uuid(), 'platform-a', 'tradein', 'graphql', now(), 0, 0, 0)`.execute(asB),
    ).rejects.toThrow(/row-level security/);
  });

  it("returns nothing for a query that names another user's subject in a user's request context", async () => {
    const subjectA = subjectIdFor(hub.app.secret, 'platform-a', SUBJECT_A);
    const subjectB = subjectIdFor(hub.app.secret, 'platform-b', SUBJECT_B);
    const asUserB = hub.app.sessionFor({ kind: 'user', platformId: 'platform-b', subjectRef: SUBJECT_B });
    const count = (db: Db, table: string, subject: string) =>
      scalar(db, sql<{ v: number }>`select count(*)::int as v from ${sql.table(table)} where subject_id = ${subject}::uuid`);
    for (const table of ['consents', 'consent_events', 'record_subjects']) {
      expect(await count(asUserB, table, subjectA), table).toBe(0);
      expect(await count(asUserB, table, subjectB), table).toBeGreaterThan(0);
    }
    // A user is not their platform: the platform's submissions stay out of a user token's reach.
    expect(await scalar(asUserB, sql<{ v: number }>`select count(*)::int as v from submissions`)).toBe(0);
  });

  it('refuses the serving role the hub secret, the migrations and the ledger it has no business in', async () => {
    for (const table of ['hub_settings', 'hub_migrations', 'account_balances']) {
      await expect(sql`select 1 from ${sql.table(table)} limit 1`.execute(hub.app.sessionFor(PLATFORM_A)), table).rejects.toThrow(/permission denied/);
    }
  });

  it("gives every table that holds a party's or a subject's rows row-level security and a policy", async () => {
    const { rows } = await sql<{ relname: string; secured: boolean; policies: number }>`
      select c.relname, c.relrowsecurity as secured,
        (select count(*)::int from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p')
      order by c.relname`.execute(hub.app.database.db);
    expect(rows.length).toBeGreaterThan(Object.keys(REFERENCE_TABLES).length);
    const unprotected = rows.filter((row) => !(row.relname in REFERENCE_TABLES) && (!row.secured || row.policies === 0)).map((row) => row.relname);
    expect(unprotected, 'tables holding party or subject rows without row-level security and a policy').toEqual([]);
    // The allow-list names only tables that exist, so a stale entry cannot hide a new table's name.
    const names = new Set(rows.map((row) => row.relname));
    expect(Object.keys(REFERENCE_TABLES).filter((table) => !names.has(table))).toEqual([]);
  });

  it('gives no serving role any privilege on the hub settings or the migrations', async () => {
    for (const role of HUB_ROLES) {
      for (const table of ['hub_settings', 'hub_migrations']) {
        const { rows } = await sql<{ v: boolean }>`
          select has_table_privilege(${role}, ${`${table}`}, 'select, insert, update, delete') as v`.execute(hub.app.database.db);
        expect(rows[0]!.v, `${role} on ${table}`).toBe(false);
      }
    }
  });
});
