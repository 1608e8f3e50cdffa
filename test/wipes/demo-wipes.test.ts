import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NOTARY, seedDemoWipes } from '../../src/demo/demo-wipes.ts';
import { registerTestParty } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBMIT_TRADE_INS = `mutation ($documents: [JSON!]!) { submitTradeIns(documents: $documents) { ... on SubmissionBatch { accepted } } }`;
const STATISTICS = `query ($m: String!) { wipeStatistics(fromMonth: $m, toMonth: $m) { __typename ... on WipeStatistics { byStandardAndLevel { standard level devices } } } }`;

describe('seedDemoWipes', () => {
  let hub: TestHub;
  const now = new Date();
  const month = now.toISOString().slice(0, 7);

  beforeAll(async () => {
    hub = await createTestHub();
    await registerTestParty(hub, 'demo-recycler', 'recycler');
    await registerTestParty(hub, DEMO_NOTARY, 'notary');
    const documents = Array.from({ length: 12 }, (_, i) => ({
      externalRef: `DW-${i}`,
      category: i < 9 ? 'mobile_phone' : 'refrigerator',
      brand: i < 9 ? 'Apple' : 'Haier',
      model: i < 9 ? 'iPhone 13 128GB' : 'BCD-470',
      usageMonths: 24,
      tradeInMonth: month,
      channel: 'online',
      quotedValuationFen: 100_000,
      recycler: 'demo-recycler',
    }));
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents }, await hub.token('platform-a'));
    expect(body.data.submitTradeIns.accepted).toBe(12);
  });
  afterAll(async () => hub?.close());

  it('attests two in three of the data-bearing devices the demo recycler holds, certifying the successful ones, and replays on a second run', async () => {
    expect(await seedDemoWipes(hub.app, now)).toEqual({ attested: 6, certified: 6 });
    expect(await seedDemoWipes(hub.app, now)).toEqual({ attested: 6, certified: 6 });
    const { body } = await hub.graphql(STATISTICS, { m: month }, await hub.token('regulator-a'));
    const total = body.data.wipeStatistics.byStandardAndLevel.reduce((n: number, row: { devices: number }) => n + row.devices, 0);
    expect(total).toBe(6);
  });
});
