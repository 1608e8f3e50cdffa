import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBMIT = /* GraphQL */ `
  mutation ($documents: [JSON!]!) {
    submitTradeIns(documents: $documents) {
      ... on SubmissionBatch {
        results {
          __typename
          ... on SubmissionAccepted {
            ticket
            submissionId
            replayed
          }
          ... on SubmissionConflict {
            code
          }
        }
      }
    }
  }
`;

const document = {
  externalRef: 'RACE-1',
  subjectRef: 'u7dVq3KpZr0bN2xWm9LhTf4sYc8Ae1Gj',
  category: 'refrigerator',
  brand: '美的',
  model: 'BCD-516WKPZM',
  usageMonths: 60,
  tradeInMonth: '2026-09',
  channel: 'door_to_door',
  quotedValuationFen: 86_000,
};

describe('idempotency under concurrency', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  it('stores one record, one ticket and one submission entry for 1,000 concurrent submissions of one document', async () => {
    const token = await hub.token('platform-a');
    const responses = await Promise.all(Array.from({ length: 1_000 }, () => hub.graphql(SUBMIT, { documents: [document] }, token)));
    // No 5xx, no top-level error: every caller got a per-document answer.
    expect(responses.filter((r) => r.status !== 200 || r.body.errors !== undefined)).toEqual([]);
    const results = responses.map((r) => r.body.data.submitTradeIns.results[0]);
    // The same success for everyone: one submission, one ticket, stored once and replayed 999 times.
    expect(new Set(results.map((r: { __typename: string }) => r.__typename))).toEqual(new Set(['SubmissionAccepted']));
    expect(new Set(results.map((r: { ticket: string }) => r.ticket)).size).toBe(1);
    expect(new Set(results.map((r: { submissionId: string }) => r.submissionId)).size).toBe(1);
    expect(results.filter((r: { replayed: boolean }) => !r.replayed)).toHaveLength(1);
    const counts = await sql<{ records: number; tickets: number; submissions: number; links: number; subjects: number; batches: number }>`
      select (select count(*)::int from records) as records, (select count(*)::int from tickets) as tickets,
             (select count(*)::int from submissions) as submissions, (select count(*)::int from record_subjects) as links,
             (select count(*)::int from subjects) as subjects, (select count(*)::int from ingest_batches) as batches`.execute(hub.app.database.db);
    // Every call is accounted for in ingest_batches; everything else exists once.
    expect(counts.rows[0]).toEqual({ records: 1, tickets: 1, submissions: 1, links: 1, subjects: 1, batches: 1_000 });
    // 1,000 requests: 20 s alone on PGlite, past a minute on a loaded 2-core machine.
  }, 180_000);

  it('answers concurrent conflicting reuses of one key with one winner and typed conflicts', async () => {
    const token = await hub.token('platform-a');
    const variants = Array.from({ length: 20 }, (_, i) => ({ ...document, externalRef: 'RACE-2', usageMonths: i }));
    const responses = await Promise.all(variants.map((d) => hub.graphql(SUBMIT, { documents: [d] }, token)));
    const kinds = responses.map((r) => r.body.data.submitTradeIns.results[0].__typename);
    expect(kinds.filter((k: string) => k === 'SubmissionAccepted')).toHaveLength(1);
    expect(kinds.filter((k: string) => k === 'SubmissionConflict')).toHaveLength(19);
  });
});
