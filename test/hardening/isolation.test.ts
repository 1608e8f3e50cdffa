import { sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import type { Database } from '../../src/db/database.ts';
import { HUB_ROLES } from '../../src/db/sessions.ts';
import { handOverTickets } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { tradeInDocument as tradeIn } from '../support/documents.ts';

const SUBMIT = (mutation: string) => `mutation ($d: [JSON!]!) { ${mutation}(documents: $d) {
  __typename
  ... on SubmissionBatch { results { __typename ... on SubmissionAccepted { submissionId ticket } ... on SubmissionRejected { errors { code } } } }
  ... on HubError { code message }
} }`;
const SUBMISSION =
  'query ($id: ID!) { submission(id: $id) { __typename ... on Submission { id kind ticket targetId createdAt } ... on HubError { code message } } }';
const INSIGHTS = `query ($purpose: String!) { insights(purpose: $purpose, groupBy: [brand], measures: [count]) {
  __typename ... on AccessDenied { code matchedRules } ... on HubError { code } } }`;

function inspection(externalRef: string, ticket: string) {
  return { externalRef, ticket, grade: 'B', inspectedMonth: '2026-10', faults: [], batteryHealthPct: 84 };
}

/** Every table row-level security is on for, after the migrations. */
const SECURED = [
  'access_log',
  'account_balances',
  'agreements',
  'catalogue_models',
  'consent_events',
  'consents',
  'contributions',
  'dispositions',
  'dp_budget',
  'dp_releases',
  'green_points',
  'ingest_batches',
  'insight_members',
  'insight_store_pending',
  'inspections',
  'journal_lines',
  'journals',
  'payout_lines',
  'proprietary_grade_values',
  'query_allocations',
  'query_pointers',
  'record_subjects',
  'records',
  'registered_brands',
  'statement_confirmations',
  'statements',
  'subjects',
  'submissions',
  'ticket_custody',
  'tickets',
  'wipe_attestations',
];

describe('isolation between parties', () => {
  let hub: TestHub;
  const tokens: Record<string, string> = {};
  /** platform-a's first submission and ticket (inspected by recycler-a), and platform-b's. */
  let ownA: { submissionId: string; ticket: string };
  let ownB: { submissionId: string; ticket: string };

  beforeAll(async () => {
    hub = await createTestHub();
    for (const party of ['platform-a', 'platform-b', 'recycler-a', 'brand-a', 'operator-a']) tokens[party] = await hub.token(party);
    const a = await hub.graphql(SUBMIT('submitTradeIns'), { d: [tradeIn('ISO-A-1'), tradeIn('ISO-A-2')] }, tokens['platform-a']);
    const b = await hub.graphql(SUBMIT('submitTradeIns'), { d: [tradeIn('ISO-B-1')] }, tokens['platform-b']);
    ownA = a.body.data.submitTradeIns.results[0];
    ownB = b.body.data.submitTradeIns.results[0];
    await handOverTickets(hub, 'platform-a', [ownA.ticket], 'recycler-a');
    const inspected = await hub.graphql(SUBMIT('submitInspections'), { d: [inspection('ISO-QC-1', ownA.ticket)] }, tokens['recycler-a']);
    expect(inspected.body.data.submitInspections.results[0].__typename).toBe('SubmissionAccepted');
    const requested = await hub.graphql(
      'mutation { requestAgreement(purpose: "product-rnd") { ... on AgreementResult { agreement { id } } } }',
      {},
      tokens['brand-a'],
    );
    await hub.graphql(
      'mutation ($id: ID!) { approveAgreement(id: $id) { __typename } }',
      { id: requested.body.data.requestAgreement.agreement.id },
      tokens['operator-a'],
    );
  });
  afterAll(async () => hub.close());

  async function count(table: string, where = sql`true`): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(hub.app.database.db);
    return rows[0]!.n;
  }

  it("answers a request for another party's submission exactly as for one that does not exist", async () => {
    const own = await hub.graphql(SUBMISSION, { id: ownA.submissionId }, tokens['platform-a']);
    expect(own.body.data.submission).toMatchObject({ __typename: 'Submission', id: ownA.submissionId, ticket: ownA.ticket });
    const others = await hub.graphql(SUBMISSION, { id: ownA.submissionId }, tokens['platform-b']);
    const missing = await hub.graphql(SUBMISSION, { id: uuidv7() }, tokens['platform-b']);
    const malformed = await hub.graphql(SUBMISSION, { id: 'not-a-uuid' }, tokens['platform-b']);
    expect(others).toEqual({ status: 200, body: { data: { submission: null } } });
    expect(missing).toEqual(others);
    expect(malformed).toEqual(others);
    const listed = await hub.graphql('{ mySubmissions(first: 500) { ... on SubmissionConnection { edges { node { id } } } } }', {}, tokens['platform-b']);
    expect(listed.body.data.mySubmissions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ownB.submissionId]);
  });

  it('refuses a brand that submits trade-ins, inspections or dispositions, and stores nothing', async () => {
    const before = { submissions: await count('submissions'), batches: await count('ingest_batches'), records: await count('records') };
    const documents: Record<string, unknown[]> = {
      submitTradeIns: [tradeIn('BRAND-1')],
      submitInspections: [inspection('BRAND-QC-1', ownA.ticket)],
      submitDispositions: [{ externalRef: 'BRAND-D-1', ticket: ownA.ticket, disposition: 'resold', completedMonth: '2026-10' }],
    };
    for (const [mutation, d] of Object.entries(documents)) {
      const { body } = await hub.graphql(SUBMIT(mutation), { d }, tokens['brand-a']);
      expect(body.data[mutation], mutation).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
    }
    expect({ submissions: await count('submissions'), batches: await count('ingest_batches'), records: await count('records') }).toEqual(before);
    // The twin: a brand submits its own catalogue.
    const catalogue = await hub.graphql(
      SUBMIT('submitCatalogueEntries'),
      {
        d: [{ brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900 }],
      },
      tokens['brand-a'],
    );
    expect(catalogue.body.data.submitCatalogueEntries.results[0].__typename).toBe('SubmissionAccepted');
  });

  it('refuses insights to a platform without an agreement, and to one holding an agreement it should never have been given', async () => {
    const logged = async () => count('access_log', sql`party_id = 'platform-a' and decision = 'deny'`);
    const before = await logged();
    const asked = await hub.graphql('mutation { requestAgreement(purpose: "product-rnd") { __typename ... on HubError { code } } }', {}, tokens['platform-a']);
    expect(asked.body.data.requestAgreement).toEqual({ __typename: 'AgreementNotChanged', code: 'agreement.role_not_allowed' });
    for (const purpose of ['product-rnd', 'recycling-optimization', 'precise-recommendation']) {
      const { body } = await hub.graphql(INSIGHTS, { purpose }, tokens['platform-a']);
      expect(body.data.insights, purpose).toMatchObject({ __typename: 'AccessDenied', code: 'access.denied' });
      expect(body.data.insights.matchedRules, purpose).toContain('role.not_allowed');
    }
    // An active agreement written behind the service's back changes nothing: the role rule comes first.
    const now = new Date();
    await hub.app.database.db
      .insertInto('agreements')
      .values({
        party_id: 'platform-a',
        id: uuidv7(),
        purpose: 'product-rnd',
        policy_version: 1,
        status: 'active',
        requested_at: now,
        decided_at: now,
        decided_by: 'test',
        valid_from: now,
        valid_to: new Date(now.getTime() + 86_400_000),
        terminated_at: null,
        terminated_by: null,
      })
      .execute();
    const withAgreement = await hub.graphql(INSIGHTS, { purpose: 'product-rnd' }, tokens['platform-a']);
    expect(withAgreement.body.data.insights.matchedRules).toContain('role.not_allowed');
    expect(await logged()).toBe(before + 4);
    // The twin: the brand holding an approved agreement is answered.
    expect((await hub.graphql(INSIGHTS, { purpose: 'product-rnd' }, tokens['brand-a'])).body.data.insights.__typename).toBe('Insights');
  });

  describe('row-level security under the hub_app role', () => {
    /**
     * Runs `work` as the application role with `party` named for this transaction only, then rolls back,
     * so nothing a test does as hub_app outlives it. PGlite's default user is a superuser, which RLS
     * never applies to; switching role is what makes these checks mean something on both databases.
     */
    async function asParty<T>(party: string | null, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
      let result: T;
      const rollback = new Error('roll back');
      try {
        await hub.app.database.db.transaction().execute(async (tx) => {
          await sql`set local role hub_app`.execute(tx);
          if (party !== null) await sql`select set_config('hub.party_id', ${party}, true)`.execute(tx);
          result = await work(tx);
          throw rollback;
        });
      } catch (error) {
        if (error !== rollback) throw error;
      }
      return result!;
    }

    const ids = (tx: Transaction<Database>, query: ReturnType<typeof sql<{ v: string }>>) => query.execute(tx).then((r) => r.rows.map((row) => row.v).sort());

    it('is a role without superuser, bypass or ownership', async () => {
      const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`select rolsuper, rolbypassrls from pg_roles where rolname = 'hub_app'`.execute(
        hub.app.database.db,
      );
      expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
      const owned = await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = current_schema() and tableowner = 'hub_app'`.execute(
        hub.app.database.db,
      );
      expect(owned.rows[0]!.n).toBe(0);
      const secured = await sql<{ relname: string }>`
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r' and c.relrowsecurity order by c.relname`.execute(hub.app.database.db);
      expect(secured.rows.map((r) => r.relname)).toEqual(SECURED);
    });

    it("shows a platform its own submissions, batches, tickets and records, and none of another platform's", async () => {
      for (const party of ['platform-a', 'platform-b']) {
        const seen = await asParty(party, async (tx) => ({
          submissions: await ids(tx, sql<{ v: string }>`select party_id as v from submissions`),
          batches: await ids(tx, sql<{ v: string }>`select party_id as v from ingest_batches`),
          tickets: await ids(tx, sql<{ v: string }>`select platform_id as v from tickets`),
          records: await ids(tx, sql<{ v: string }>`select id::text as v from records`),
        }));
        const expectedRecords = await sql<{ v: string }>`select record_id::text as v from tickets where platform_id = ${party}`.execute(hub.app.database.db);
        expect(seen.submissions.length, party).toBe(await count('submissions', sql`party_id = ${party}`));
        expect(new Set(seen.submissions), party).toEqual(new Set([party]));
        expect(new Set(seen.batches), party).toEqual(new Set([party]));
        expect(new Set(seen.tickets), party).toEqual(new Set([party]));
        expect(seen.records, party).toEqual(expectedRecords.rows.map((r) => r.v).sort());
      }
      // The owner — the connection the hub itself uses — still sees both.
      expect(await count('submissions', sql`party_id in ('platform-a', 'platform-b')`)).toBeGreaterThan(
        await count('submissions', sql`party_id = 'platform-a'`),
      );
    });

    it('shows a recycler its own inspections and the tickets and records it inspected, nothing else', async () => {
      const seen = await asParty('recycler-a', async (tx) => ({
        inspections: await ids(tx, sql<{ v: string }>`select recycler_id as v from inspections`),
        tickets: await ids(tx, sql<{ v: string }>`select id::text as v from tickets`),
        records: (await sql<{ n: number }>`select count(*)::int as n from records`.execute(tx)).rows[0]!.n,
        submissions: await ids(tx, sql<{ v: string }>`select party_id as v from submissions`),
      }));
      expect(seen).toEqual({ inspections: ['recycler-a'], tickets: [ownA.ticket], records: 1, submissions: ['recycler-a'] });
    });

    it('shows a party the whole custody chain of every ticket it is in, nothing else; a holder alone closes its link', async () => {
      const links = (party: string) => asParty(party, (tx) => ids(tx, sql<{ v: string }>`select ticket_id::text || ':' || sequence as v from ticket_custody`));
      const platformA = await links('platform-a');
      expect(platformA).toEqual(expect.arrayContaining([`${ownA.ticket}:0`, `${ownA.ticket}:1`]));
      // A member of the chain (hub_custody_member) reads all of it: who handed the device to whom.
      expect((await links('recycler-a')).sort()).toEqual([`${ownA.ticket}:0`, `${ownA.ticket}:1`]);
      expect(await links('platform-b')).toEqual([`${ownB.ticket}:0`]);
      expect(await links('brand-a')).toEqual([]);
      const closed = await asParty('platform-b', (tx) => sql`update ticket_custody set released_at = now() where ticket_id = ${ownA.ticket}`.execute(tx));
      expect(Number(closed.numAffectedRows)).toBe(0);
      await expect(
        asParty('platform-b', (tx) =>
          sql`insert into ticket_custody (ticket_id, sequence, holder_id, from_party_id, handed_over_at)
        values (${ownA.ticket}, 2, 'platform-b', 'recycler-a', now())`.execute(tx),
        ),
      ).rejects.toThrow();
    });

    it('shows a party its own agreements and the operator every one', async () => {
      const brand = await asParty('brand-a', (tx) => ids(tx, sql<{ v: string }>`select party_id as v from agreements`));
      expect(new Set(brand)).toEqual(new Set(['brand-a']));
      expect(await asParty('platform-b', (tx) => ids(tx, sql<{ v: string }>`select party_id as v from agreements`))).toEqual([]);
      const operator = await asParty('operator-a', (tx) => ids(tx, sql<{ v: string }>`select party_id as v from agreements`));
      expect(operator.length).toBe(await count('agreements'));
      // Another party's agreement cannot be changed: the update finds no row.
      const updated = await asParty('platform-b', (tx) => sql`update agreements set status = 'terminated' where party_id = 'brand-a'`.execute(tx));
      expect(Number(updated.numAffectedRows)).toBe(0);
    });

    it('shows nothing when no party is named', async () => {
      const seen = await asParty(null, async (tx) => {
        const counts: Record<string, number> = {};
        for (const table of ['submissions', 'ingest_batches', 'records', 'tickets', 'inspections', 'agreements', 'dp_budget']) {
          counts[table] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx)).rows[0]!.n;
        }
        return counts;
      });
      expect(seen).toEqual({ submissions: 0, ingest_batches: 0, records: 0, tickets: 0, inspections: 0, agreements: 0, dp_budget: 0 });
      expect(await count('submissions')).toBeGreaterThan(0);
    });

    it("refuses a row written in another party's name", async () => {
      const row = sql`insert into submissions (party_id, kind, key_hash, id, content_hash, ticket_id, target_id, batch_id, created_at)
        values ('platform-b', 'tradein', '\\x01', ${uuidv7()}, '\\x01', null, null, ${uuidv7()}, now())`;
      await expect(asParty('platform-a', (tx) => row.execute(tx))).rejects.toThrow(/row-level security/);
      await expect(
        asParty('platform-a', (tx) =>
          sql`insert into tickets (id, record_id, platform_id, created_at) values (${uuidv7()}, ${uuidv7()}, 'platform-b', now())`.execute(tx),
        ),
      ).rejects.toThrow(/row-level security/);
      // The twin: its own name is accepted (and rolled back with the transaction).
      const own = sql`insert into submissions (party_id, kind, key_hash, id, content_hash, ticket_id, target_id, batch_id, created_at)
        values ('platform-a', 'tradein', '\\x01', ${uuidv7()}, '\\x01', null, null, ${uuidv7()}, now())`;
      expect(Number((await asParty('platform-a', (tx) => own.execute(tx))).numAffectedRows)).toBe(1);
    });

    it('gives hub_app no privilege on the balances or the hub settings', async () => {
      for (const table of ['account_balances', 'hub_settings']) {
        await expect(
          asParty('platform-a', (tx) => sql`select 1 from ${sql.table(table)} limit 1`.execute(tx)),
          table,
        ).rejects.toThrow(/permission denied/);
      }
    });

    it('shows a party none of the subject vault, consent, contributions, payouts or access log rows of anyone else', async () => {
      const others = await asParty('platform-a', async (tx) => {
        const counts: Record<string, number> = {};
        const where: Record<string, string> = {
          subjects: "platform_id <> 'platform-a'",
          record_subjects: "platform_id <> 'platform-a'",
          consents: 'true',
          consent_events: 'true',
          contributions: "party_id <> 'platform-a'",
          payout_lines: "platform_id <> 'platform-a'",
          access_log: "party_id is distinct from 'platform-a'",
        };
        for (const [table, condition] of Object.entries(where)) {
          counts[table] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.raw(condition)}`.execute(tx)).rows[0]!.n;
        }
        return counts;
      });
      expect(others).toEqual({ subjects: 0, record_subjects: 0, consents: 0, consent_events: 0, contributions: 0, payout_lines: 0, access_log: 0 });
      // The twin: the owner sees the access log's other entries (the brand's and the operator's requests).
      expect(await count('access_log', sql`party_id is distinct from 'platform-a'`)).toBeGreaterThan(0);
    });
  });
});

describe('the row-level security migration', () => {
  // Its own in-memory PGlite whatever DATABASE_URL says: it creates roles, which on a shared PostgreSQL
  // server are cluster-wide.
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ kind: 'pglite' });
    await sql`create role hub_limited nologin nosuperuser nocreaterole`.execute(handle.db);
  });
  afterAll(async () => handle.close());

  /** Migrates a fresh schema owned by, and as, a user that may not create roles (a managed server's app user). */
  async function migrateAsLimitedUser(schema: string) {
    await sql`create schema ${sql.id(schema)} authorization hub_limited`.execute(handle.db);
    await sql`set role hub_limited`.execute(handle.db);
    await sql`set search_path to ${sql.id(schema)}`.execute(handle.db);
    try {
      const applied = await migrateToLatest(handle.db);
      const secured = await sql<{ relname: string }>`
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind = 'r' and c.relrowsecurity order by c.relname`.execute(handle.db);
      const policies = await sql<{ n: number }>`select count(*)::int as n from pg_policies where schemaname = ${schema}`.execute(handle.db);
      return { applied, secured: secured.rows.map((r) => r.relname), policies: policies.rows[0]!.n };
    } finally {
      await sql`reset role`.execute(handle.db);
      await sql`reset search_path`.execute(handle.db);
    }
  }

  it('refuses to migrate a user that may not create roles while the serving roles do not exist, naming the first', async () => {
    // The hub never falls back to serving as the owner: without its roles it does not start.
    await expect(migrateAsLimitedUser('limited_without_role')).rejects.toThrow(/role hub_app must exist/);
    const role = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = 'hub_app'`.execute(handle.db);
    expect(role.rows[0]!.n).toBe(0);
  });

  it('secures the tables for serving roles an administrator created and granted beforehand, without CREATEROLE', async () => {
    for (const role of HUB_ROLES) {
      await sql`create role ${sql.raw(role)} nologin nosuperuser nobypassrls`.execute(handle.db);
      await sql`grant ${sql.raw(role)} to hub_limited`.execute(handle.db);
    }
    const { secured, policies } = await migrateAsLimitedUser('limited_with_role');
    expect(secured).toEqual(SECURED);
    expect(policies).toBeGreaterThan(11);
    const granted = await sql<{ ok: boolean }>`select has_table_privilege('hub_app', 'limited_with_role.submissions', 'select') as ok`.execute(handle.db);
    expect(granted.rows[0]!.ok).toBe(true);
  });
});
