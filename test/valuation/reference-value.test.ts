import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALUATION_STANDARD } from '../../src/valuation/published-standard.ts';
import { referenceValue } from '../../src/valuation/valuation.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const QUERY = /* GraphQL */ `
  query ($brand: String!, $model: String!, $grade: String!, $ageMonths: Int!, $faults: [String!]) {
    referenceValue(brand: $brand, model: $model, grade: $grade, ageMonths: $ageMonths, faults: $faults) {
      __typename
      ... on ReferenceValue {
        standardVersion
        category
        launchPriceFen
        formulaFen
        observed {
          meanFen
          devices
          ageFromMonths
          ageToMonths
          epsilon
        }
      }
      ... on ValuationRefused {
        argument
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
const SUBMIT = (mutation: string) => `mutation($d:[JSON!]!){${mutation}(documents:$d){
  ... on SubmissionBatch { results { __typename ... on SubmissionAccepted { ticket } } } ... on HubError { code } }}`;

const MODEL = { brand: 'Apple', model: 'iPhone 13 128GB' };
const DEVICES = 40;
const POOL_PURPOSE = VALUATION_STANDARD.observedPool.purpose;

/**
 * 40 devices of a model launched 2021-09 at 5,000 yuan, traded in 2023-09 (age 24), graded B, valued 2,000 yuan,
 * whose users consent to the pool's purpose; 40 more graded C whose users consent to another purpose or to none.
 */
describe('referenceValue', () => {
  let hub: TestHub;
  const now = new Date('2026-12-07T10:00:00Z');
  const ask = async (variables: Record<string, unknown>, token?: string) =>
    (await hub.graphql(QUERY, { ...MODEL, grade: 'B', ageMonths: 24, ...variables }, token)).body.data.referenceValue;
  const submit = async (mutation: string, documents: Record<string, unknown>[], party: string) => {
    const { body } = await hub.graphql(SUBMIT(mutation), { d: documents }, await hub.token(party));
    expect(body.data[mutation].results.map((r: { __typename: string }) => r.__typename)).toEqual(documents.map(() => 'SubmissionAccepted'));
    return body.data[mutation].results.map((r: { ticket?: string }) => r.ticket) as string[];
  };

  beforeAll(async () => {
    hub = await createTestHub({ now: () => now });
    await submit('submitCatalogueEntries', [{ ...MODEL, category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 500_000 }], 'brand-a');
    const users = Array.from({ length: 2 * DEVICES }, () => randomUUID());
    // The pooled devices come from platform-a, the others from platform-b (the fairness watch below reads platform-a's).
    const platformOf = (i: number) => (i < DEVICES ? 'platform-a' : 'platform-b');
    const tickets: string[] = [];
    for (const platform of ['platform-a', 'platform-b']) {
      tickets.push(
        ...(await submit(
          'submitTradeIns',
          users.flatMap((subjectRef, i) =>
            platformOf(i) !== platform
              ? []
              : [
                  {
                    externalRef: `RV-${i}`,
                    subjectRef,
                    category: 'mobile_phone',
                    ...MODEL,
                    usageMonths: 24,
                    tradeInMonth: '2023-09',
                    channel: 'online',
                    quotedValuationFen: 190_000,
                    recycler: 'recycler-a',
                  },
                ],
          ),
          platform,
        )),
      );
    }
    await submit(
      'submitInspections',
      tickets.map((ticket, i) => ({
        externalRef: `RV-QC-${i}`,
        ticket,
        grade: i < DEVICES ? 'B' : 'C',
        inspectedMonth: '2023-09',
        finalValuationFen: 200_000,
      })),
      'recycler-a',
    );
    for (const [i, subjectRef] of users.entries()) {
      const purpose = i < DEVICES ? POOL_PURPOSE : i % 2 === 0 ? 'product-rnd' : null;
      if (purpose === null) continue;
      const { body } = await hub.graphql(
        'mutation($p:String!){grantConsent(purpose:$p){__typename}}',
        { p: purpose },
        await hub.token(platformOf(i), { subjectRef }),
      );
      expect(body.data.grantConsent.__typename).toBe('ConsentChanged');
    }
  });
  afterAll(async () => hub?.close());

  it('answers a platform with the formula and the noisy pooled value, and the same figure when asked again', async () => {
    const token = await hub.token('platform-a');
    const answer = await ask({}, token);
    expect(answer).toMatchObject({
      __typename: 'ReferenceValue',
      standardVersion: VALUATION_STANDARD.version,
      category: 'mobile_phone',
      launchPriceFen: 500_000,
      formulaFen: 204_602,
    });
    expect(answer.observed).toMatchObject({ ageFromMonths: 24, ageToMonths: 29, epsilon: 1 });
    // Laplace noise of scale 2 on the count: ±20 is beyond 10 scales.
    expect(Math.abs(answer.observed.devices - DEVICES)).toBeLessThanOrEqual(20);
    expect(await ask({}, token)).toEqual(answer);
    expect((await ask({ faults: ['glass_cracked'] }, token)).formulaFen).toBe(204_602 - 60_000);
  });

  it('answers a user of the platform too', async () => {
    expect((await ask({}, await hub.token('platform-a', { subjectRef: 'uReferenceValue-user-1' }))).formulaFen).toBe(204_602);
  });

  it('refuses a brand, a recycler and an anonymous caller (unauthorised)', async () => {
    expect(await ask({}, await hub.token('brand-a'))).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
    expect(await ask({}, await hub.token('recycler-a'))).toMatchObject({ __typename: 'Forbidden' });
    expect(await ask({})).toMatchObject({ __typename: 'Unauthenticated' });
  });

  it('refuses a grade, age or fault outside the standard and a model outside the catalogue, never echoing it', async () => {
    const token = await hub.token('platform-a');
    expect(await ask({ grade: 'Q' }, token)).toMatchObject({ __typename: 'ValuationRefused', argument: 'grade', code: 'valuation.argument_invalid' });
    expect(await ask({ ageMonths: -1 }, token)).toMatchObject({ argument: 'ageMonths' });
    expect(await ask({ faults: ['13800138000'] }, token)).toMatchObject({ argument: 'faults' });
    const unknown = await ask({ model: 'Phone 9000 Secret' }, token);
    expect(unknown).toMatchObject({ argument: 'model', code: 'valuation.model_unknown' });
    expect(JSON.stringify(unknown)).not.toContain('9000');
  });

  it("pools only devices whose users consent to the standard's purpose", async () => {
    // 40 grade-C devices, none of whose users consent to the pool's purpose: the pool is empty, and with a
    // fixed secret the noisy count of an empty pool stays below the minimum.
    const context = { db: hub.app.database.db, secret: Buffer.alloc(32, 1), standard: VALUATION_STANDARD, now: () => now };
    expect((await referenceValue(context, { ...MODEL, grade: 'C', ageMonths: 24 })).observed).toBeNull();
    expect((await referenceValue(context, { ...MODEL, grade: 'B', ageMonths: 24 })).observed?.devices).toBeGreaterThanOrEqual(DEVICES - 20);
  });

  it('withholds the observed value when fewer devices than the minimum back it (below k)', async () => {
    // A fixed secret makes the noise reproducible: with no device of grade D, the noisy count stays below 10.
    const answer = await referenceValue(
      { db: hub.app.database.db, secret: Buffer.alloc(32, 1), standard: VALUATION_STANDARD, now: () => now },
      { ...MODEL, grade: 'D', ageMonths: 24 },
    );
    expect(answer.observed).toBeNull();
    expect(answer.formulaFen).toBeGreaterThan(0);
  });

  it('publishes the standard as JSON and as a page, without a token', async () => {
    const json = await hub.app.yoga.fetch('http://hub.test/valuation-standard.json');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(VALUATION_STANDARD)));
    const page = await hub.app.yoga.fetch('http://hub.test/valuation-standard');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain(VALUATION_STANDARD.version);
    expect(html).toContain('glass_cracked');
    expect(html).not.toContain('<script');
    expect((await hub.app.yoga.fetch('http://hub.test/valuation-standard.json', { method: 'DELETE' })).status).toBe(405);
  });

  it('shows the regulator each platform-month of quotes against the reference, and refuses a platform (unauthorised)', async () => {
    const WATCH = `query($f:String!,$t:String!){ valuationFairness(fromMonth:$f, toMonth:$t){ __typename
      ... on ValuationFairness { cells { platformId month devices medianRatioBp shareBelowBp } withheldCells flaggedPlatforms }
      ... on FairnessArgumentInvalid { argument } ... on HubError { code } } }`;
    const watch = (await hub.graphql(WATCH, { f: '2023-01', t: '2023-12' }, await hub.token('regulator-a'))).body.data.valuationFairness;
    // Quoted 190,000 fen against a reference of 204,602 for grade B at 24 months: 92.86%.
    expect(watch).toMatchObject({ __typename: 'ValuationFairness', withheldCells: 0, flaggedPlatforms: [] });
    // The watch is statutory: every inspected device counts, consenting or not.
    expect(watch.cells).toContainEqual({ platformId: 'platform-a', month: '2023-09', devices: DEVICES, medianRatioBp: 9286, shareBelowBp: 0 });
    expect(watch.cells.find((c: { platformId: string }) => c.platformId === 'platform-b')?.devices).toBe(DEVICES);
    expect((await hub.graphql(WATCH, { f: '2023-01', t: '2023-12' }, await hub.token('platform-a'))).body.data.valuationFairness).toMatchObject({
      __typename: 'AccessDenied',
      code: 'access.denied',
    });
    expect((await hub.graphql(WATCH, { f: '2023-13', t: '2023-12' }, await hub.token('regulator-a'))).body.data.valuationFairness).toMatchObject({
      argument: 'fromMonth',
    });
  });
});
