import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeFault } from '../../src/firms/credit-code.ts';
import { listFirms } from '../../src/firms/firms.repository.ts';
import { FIRM_CAPACITIES } from '../../src/firms/firms.table.ts';
import { demoCreditCode, DEMO_FIRMS, ensureDemoFirms } from '../../src/demo/demo-firms.ts';
import { registerParty } from '../../src/parties/parties.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

describe('demo firms', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
    for (const firm of DEMO_FIRMS.filter((f) => f.party === undefined)) {
      const role = firm.capacities.includes('recycler')
        ? 'recycler'
        : firm.capacities.includes('brand')
          ? 'brand'
          : firm.capacities.includes('regulator')
            ? 'regulator'
            : firm.capacities.includes('operator')
              ? 'operator'
              : 'platform';
      await registerParty(hub.app.database.db, { id: firm.partyId, role }, new Date());
    }
  });
  afterAll(async () => hub?.close());

  it('makes valid, distinct credit codes', () => {
    const codes = DEMO_FIRMS.map((_, i) => demoCreditCode(i + 1));
    expect(codes.every((code) => creditCodeFault(code) === null)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('registers a firm of every capacity, and a second run changes nothing', async () => {
    await ensureDemoFirms(hub.app.database.db, new Date());
    await ensureDemoFirms(hub.app.database.db, new Date());
    const firms = await listFirms(hub.app.database.db);
    expect(firms).toHaveLength(DEMO_FIRMS.length);
    expect(new Set(firms.flatMap((f) => f.capacities))).toEqual(new Set(FIRM_CAPACITIES));
    const listed = (await (await hub.app.yoga.fetch('http://hub.test/firms.json')).json()) as { firms: { status: string }[] };
    expect(listed.firms).toHaveLength(DEMO_FIRMS.length - 2);
    expect(listed.firms.filter((f) => f.status === 'suspended')).toHaveLength(1);
  });
});
