import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBMIT = /* GraphQL */ `
  mutation ($documents: [JSON!]!) {
    submitTradeIns(documents: $documents) {
      ... on SubmissionBatch {
        results {
          __typename
          ... on SubmissionRejected {
            errors {
              path
              code
              message
            }
          }
        }
      }
    }
  }
`;

const base = {
  externalRef: 'ORDER-PII',
  category: 'mobile_phone',
  brand: 'Apple',
  model: 'iPhone 13 128GB',
  usageMonths: 30,
  tradeInMonth: '2026-10',
  channel: 'online',
  quotedValuationFen: 180_000,
};

// Each case hides one kind of personal data somewhere in an otherwise valid document.
const CASES: { name: string; secret: string; document: Record<string, unknown>; path: string }[] = [
  { name: 'a mobile number inside the model name', secret: '13912345678', document: { ...base, model: 'iPhone 13912345678' }, path: '/model' },
  {
    name: 'a mobile number in full-width digits',
    secret: '１３９１２３４５６７８',
    document: { ...base, model: 'iPhone １３９１２３４５６７８' },
    path: '/model',
  },
  { name: 'a mobile number with separators', secret: '139-1234-5678', document: { ...base, brand: 'Apple 139-1234-5678' }, path: '/brand' },
  { name: 'a resident ID number', secret: '11010519491231002X', document: { ...base, model: '11010519491231002X' }, path: '/model' },
  { name: 'an IMEI', secret: '490154203237518', document: { ...base, model: 'iPhone 490154203237518' }, path: '/model' },
  { name: 'a bank card', secret: '6222021234567890128', document: { ...base, brand: '6222021234567890128' }, path: '/brand' },
  { name: 'an e-mail address', secret: 'li.lei@example.com', document: { ...base, brand: 'li.lei@example.com' }, path: '/brand' },
  { name: 'an unknown property named like personal data', secret: '13812345678', document: { ...base, phone: '13812345678' }, path: '/phone' },
];

describe('the privacy gate end to end', () => {
  let hub: TestHub;
  const logLines: string[] = [];
  beforeAll(async () => {
    hub = await createTestHub({ logLines });
  });
  afterAll(async () => hub.close());

  for (const testCase of CASES) {
    it(`rejects ${testCase.name} and repeats it nowhere`, async () => {
      const token = await hub.token('platform-a');
      const response = await hub.app.yoga.fetch('http://hub.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: SUBMIT, variables: { documents: [testCase.document] } }),
      });
      const text = await response.text();
      const result = JSON.parse(text).data.submitTradeIns.results[0];
      expect(result.__typename).toBe('SubmissionRejected');
      expect(result.errors.some((e: { path: string; code: string }) => e.path === testCase.path && e.code.startsWith('pii.'))).toBe(true);

      const digitsOnly = testCase.secret.normalize('NFKC').replace(/\D/g, '');
      const needles = [testCase.secret, testCase.secret.normalize('NFKC'), ...(digitsOnly.length >= 6 ? [digitsOnly] : [])];
      const { rows } = await sql<{ dump: string }>`
        select concat_ws('|',
          (select string_agg(to_jsonb(r)::text, '|') from records r),
          (select string_agg(to_jsonb(s)::text, '|') from submissions s),
          (select string_agg(to_jsonb(b)::text, '|') from ingest_batches b)) as dump`.execute(hub.app.database.db);
      const stored = rows[0]!.dump ?? '';
      for (const needle of needles) {
        expect(text).not.toContain(needle);
        expect(stored).not.toContain(needle);
        expect(logLines.join('\n')).not.toContain(needle);
      }
    });
  }

  it('logs requests at all (so the log check above is not vacuous)', () => {
    expect(logLines.some((line) => line.includes('"event":"http.request"'))).toBe(true);
  });
});
