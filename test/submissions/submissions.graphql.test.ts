import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectRefCipher } from '../../src/hub-keys/subject-ref-cipher.ts';
import { handOverTickets } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { tradeInDocument as tradeIn } from '../support/documents.ts';

const SUBMIT_TRADE_INS = /* GraphQL */ `
  mutation ($documents: [JSON!]!) {
    submitTradeIns(documents: $documents) {
      __typename
      ... on SubmissionBatch {
        accepted
        rejected
        conflicts
        results {
          __typename
          ... on SubmissionAccepted {
            index
            submissionId
            ticket
            targetId
            replayed
          }
          ... on SubmissionRejected {
            index
            errors {
              path
              code
              message
            }
          }
          ... on SubmissionConflict {
            index
            submissionId
            code
          }
        }
      }
      ... on HubError {
        code
        message
      }
      ... on BatchTooLarge {
        limit
        received
      }
    }
  }
`;

const SUBMIT_INSPECTIONS = SUBMIT_TRADE_INS.replaceAll('submitTradeIns', 'submitInspections');
const SUBMIT_DISPOSITIONS = SUBMIT_TRADE_INS.replaceAll('submitTradeIns', 'submitDispositions');
const SUBMIT_CATALOGUE = SUBMIT_TRADE_INS.replaceAll('submitTradeIns', 'submitCatalogueEntries');

function inspection(externalRef: string, reference: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    externalRef,
    ...reference,
    grade: 'B',
    inspectedMonth: '2026-10',
    faults: ['screen_scratch_minor'],
    batteryHealthPct: 84,
    finalValuationFen: 170_000,
    ...overrides,
  };
}

/** Every text value in every table, to prove a refused value is stored nowhere. */
async function databaseText(hub: TestHub): Promise<string> {
  const tables = ['records', 'tickets', 'inspections', 'dispositions', 'catalogue_models', 'subjects', 'record_subjects', 'submissions', 'ingest_batches'];
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<{ row: unknown }>`select to_jsonb(t) as row from ${sql.table(table)} t`.execute(hub.app.database.db);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

describe('submitting documents over GraphQL', () => {
  let hub: TestHub;
  let platform: string;
  let recycler: string;

  beforeAll(async () => {
    hub = await createTestHub();
    platform = await hub.token('platform-a');
    recycler = await hub.token('recycler-a');
  });
  afterAll(async () => hub.close());

  it('accepts a trade-in and returns a ticket', async () => {
    const { status, body } = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-1')] }, platform);
    expect(status).toBe(200);
    const batch = body.data.submitTradeIns;
    expect(batch.__typename).toBe('SubmissionBatch');
    expect(batch.accepted).toBe(1);
    expect(batch.results[0]).toMatchObject({ __typename: 'SubmissionAccepted', index: 0, replayed: false });
    expect(batch.results[0].ticket).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the same ticket for the same document again (idempotent replay)', async () => {
    const first = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-2')] }, platform);
    const again = await hub.graphql(SUBMIT_TRADE_INS, { documents: [{ ...tradeIn('ORDER-2') }] }, platform);
    expect(again.body.data.submitTradeIns.results[0]).toMatchObject({
      __typename: 'SubmissionAccepted',
      replayed: true,
      ticket: first.body.data.submitTradeIns.results[0].ticket,
    });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from tickets`.execute(hub.app.database.db);
    const before = rows[0]!.n;
    await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-2')] }, platform);
    const after = await sql<{ n: number }>`select count(*)::int as n from tickets`.execute(hub.app.database.db);
    expect(after.rows[0]!.n).toBe(before);
  });

  it('reports a conflict when an externalRef is reused for different content (conflict)', async () => {
    await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-3')] }, platform);
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-3', { usageMonths: 31 })] }, platform);
    expect(body.data.submitTradeIns.results[0]).toMatchObject({ __typename: 'SubmissionConflict', code: 'idempotency.conflict' });
  });

  it('keeps the same externalRef of two platforms apart', async () => {
    const other = await hub.token('platform-b');
    const a = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('SHARED-REF')] }, platform);
    const b = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('SHARED-REF', { usageMonths: 5 })] }, other);
    expect(b.body.data.submitTradeIns.results[0].__typename).toBe('SubmissionAccepted');
    expect(b.body.data.submitTradeIns.results[0].ticket).not.toBe(a.body.data.submitTradeIns.results[0].ticket);
  });

  it('answers per document: a rejected one stores nothing, its accepted neighbours are stored whole', async () => {
    const before = await databaseText(hub);
    const { body } = await hub.graphql(
      SUBMIT_TRADE_INS,
      { documents: [tradeIn('ORDER-4'), tradeIn('ORDER-5', { usageMonths: 999 }), tradeIn('ORDER-6')] },
      platform,
    );
    const batch = body.data.submitTradeIns;
    expect(batch.results.map((r: { __typename: string }) => r.__typename)).toEqual(['SubmissionAccepted', 'SubmissionRejected', 'SubmissionAccepted']);
    expect(batch.results[1].errors).toContainEqual(expect.objectContaining({ path: '/usageMonths', code: 'schema.maximum' }));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from records where usage_months = 999`.execute(hub.app.database.db);
    expect(rows[0]!.n).toBe(0);
    expect((await databaseText(hub)).length).toBeGreaterThan(before.length);
  });

  it('links an inspection to its trade-in by ticket and by (platform, externalRef)', async () => {
    const submitted = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-7'), tradeIn('ORDER-8')] }, platform);
    const [first, second] = submitted.body.data.submitTradeIns.results;
    await handOverTickets(hub, 'platform-a', [first.ticket, second.ticket], 'recycler-a');
    const { body } = await hub.graphql(
      SUBMIT_INSPECTIONS,
      {
        documents: [inspection('QC-1', { ticket: first.ticket }), inspection('QC-2', { tradeIn: { platform: 'platform-a', externalRef: 'ORDER-8' } })],
      },
      recycler,
    );
    const [byTicket, byRef] = body.data.submitInspections.results;
    expect(byTicket).toMatchObject({ __typename: 'SubmissionAccepted', ticket: first.ticket });
    expect(byRef).toMatchObject({ __typename: 'SubmissionAccepted', ticket: second.ticket });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from inspections i join tickets t on t.record_id = i.record_id
      where t.id in (${first.ticket}, ${second.ticket})`.execute(hub.app.database.db);
    expect(rows[0]!.n).toBe(2);
  });

  it('refuses an inspection whose ticket the hub never issued (unknown reference)', async () => {
    const { body } = await hub.graphql(
      SUBMIT_INSPECTIONS,
      {
        documents: [
          inspection('QC-3', { ticket: '01900000-0000-7000-8000-000000000000' }),
          inspection('QC-4', { tradeIn: { platform: 'platform-b', externalRef: 'ORDER-7' } }),
        ],
      },
      recycler,
    );
    for (const result of body.data.submitInspections.results) {
      expect(result.__typename).toBe('SubmissionRejected');
      expect(result.errors[0].code).toBe('reference.ticket_not_found');
    }
  });

  it('accepts a disposition for an inspected ticket', async () => {
    const { body } = await hub.graphql(
      SUBMIT_DISPOSITIONS,
      {
        documents: [
          {
            externalRef: 'DP-1',
            tradeIn: { platform: 'platform-a', externalRef: 'ORDER-7' },
            disposition: 'refurbished',
            completedMonth: '2026-11',
            weightKg: 0.17,
          },
        ],
      },
      recycler,
    );
    expect(body.data.submitDispositions.results[0].__typename).toBe('SubmissionAccepted');
  });

  it('lets only the right role submit each kind (unauthorised)', async () => {
    const brand = await hub.token('brand-a');
    const asBrand = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-9')] }, brand);
    expect(asBrand.body.data.submitTradeIns).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
    const asRecycler = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-9')] }, recycler);
    expect(asRecycler.body.data.submitTradeIns.__typename).toBe('Forbidden');
    const catalogueAsPlatform = await hub.graphql(SUBMIT_CATALOGUE, { documents: [] }, platform);
    expect(catalogueAsPlatform.body.data.submitCatalogueEntries.__typename).toBe('Forbidden');
    const anonymous = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-9')] });
    expect(anonymous.body.data.submitTradeIns).toMatchObject({ __typename: 'Unauthenticated', code: 'unauthenticated' });
  });

  it('accepts catalogue entries from a brand, and refuses a model another brand party owns', async () => {
    const brand = await hub.token('brand-a');
    const entry = { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900, weightKg: 0.173 };
    const { body } = await hub.graphql(SUBMIT_CATALOGUE, { documents: [entry] }, brand);
    expect(body.data.submitCatalogueEntries.results[0].__typename).toBe('SubmissionAccepted');
    const again = await hub.graphql(SUBMIT_CATALOGUE, { documents: [entry] }, brand);
    expect(again.body.data.submitCatalogueEntries.results[0]).toMatchObject({ __typename: 'SubmissionAccepted', replayed: true });
  });

  it('refuses more than 1,000 documents in one call and points to bulk push', async () => {
    const documents = Array.from({ length: 1001 }, (_, i) => tradeIn(`BIG-${i}`));
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents }, platform);
    expect(body.data.submitTradeIns).toMatchObject({ __typename: 'BatchTooLarge', limit: 1000, received: 1001, code: 'batch.too_large' });
    expect(body.data.submitTradeIns.message).toMatch(/push/);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from submissions where party_id = 'platform-a'`.execute(hub.app.database.db);
    expect(rows[0]!.n).toBeLessThan(100);
  });

  it('accepts exactly 1,000 documents in one call', async () => {
    const documents = Array.from({ length: 1000 }, (_, i) => tradeIn(`FULL-${i}`));
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents }, platform);
    expect(body.data.submitTradeIns.accepted).toBe(1000);
  });

  it('stores a subjectRef only in the subject vault, never on the record', async () => {
    const subjectRef = 'u7dVq3KpZr0bN2xWm9LhTf4sYc8Ae1Gj';
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('ORDER-10', { subjectRef })] }, platform);
    const ticket = body.data.submitTradeIns.results[0].ticket;
    const { rows } = await sql<{ id: string; subject_ref_sealed: Buffer; record: unknown }>`
      select s.id, s.subject_ref_sealed, to_jsonb(r) as record from tickets t
      join record_subjects rs on rs.record_id = t.record_id join subjects s on s.id = rs.subject_id
      join records r on r.id = t.record_id where t.id = ${ticket}`.execute(hub.app.database.db);
    expect(rows).toHaveLength(1);
    // Sealed in the vault: it opens to the pseudonym with the hub's key, and is not there in clear.
    expect(subjectRefCipher(hub.app.secret).open(rows[0]!.id, rows[0]!.subject_ref_sealed)).toBe(subjectRef);
    expect(JSON.stringify(rows[0]!.record)).not.toContain(subjectRef);
    expect(await databaseText(hub)).not.toContain(subjectRef);
  });

  it('never stores an externalRef, only its keyed hash', async () => {
    await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('VISIBLE-ORDER-NUMBER-42')] }, platform);
    expect(await databaseText(hub)).not.toContain('VISIBLE-ORDER-NUMBER-42');
  });
});

describe('listing submissions', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  const LIST = /* GraphQL */ `
    query ($first: Int, $after: String) {
      mySubmissions(first: $first, after: $after) {
        __typename
        ... on SubmissionConnection {
          edges {
            cursor
            node {
              id
              kind
              ticket
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    }
  `;
  const ONE = /* GraphQL */ `
    query ($id: ID!) {
      submission(id: $id) {
        __typename
        ... on Submission {
          id
          ticket
        }
      }
    }
  `;

  it("pages through the party's own submissions and never anyone else's", async () => {
    const a = await hub.token('platform-a');
    const b = await hub.token('platform-b');
    await hub.graphql(SUBMIT_TRADE_INS, { documents: Array.from({ length: 5 }, (_, i) => tradeIn(`A-${i}`)) }, a);
    const fromB = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('B-1')] }, b);
    const page1 = await hub.graphql(LIST, { first: 3 }, a);
    const connection = page1.body.data.mySubmissions;
    expect(connection.edges).toHaveLength(3);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const page2 = await hub.graphql(LIST, { first: 3, after: connection.pageInfo.endCursor }, a);
    expect(page2.body.data.mySubmissions.edges).toHaveLength(2);
    expect(page2.body.data.mySubmissions.pageInfo.hasNextPage).toBe(false);
    const tickets = [...connection.edges, ...page2.body.data.mySubmissions.edges].map((e: { node: { ticket: string } }) => e.node.ticket);
    expect(tickets).not.toContain(fromB.body.data.submitTradeIns.results[0].ticket);
  });

  it("answers another party's submission exactly like a missing one", async () => {
    const a = await hub.token('platform-a');
    const b = await hub.token('platform-b');
    const fromB = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('B-2')] }, b);
    const id = fromB.body.data.submitTradeIns.results[0].submissionId;
    const own = await hub.graphql(ONE, { id }, b);
    expect(own.body.data.submission).toMatchObject({ __typename: 'Submission', id });
    const other = await hub.graphql(ONE, { id }, a);
    const missing = await hub.graphql(ONE, { id: '01900000-0000-7000-8000-000000000000' }, a);
    expect(other.body).toEqual(missing.body);
    expect(other.body.data.submission).toBeNull();
  });
});
