import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerParty } from '../../src/parties/parties.service.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const REGISTER = /* GraphQL */ `
  mutation ($partyId: String!, $capacities: [FirmCapacity!]!, $creditCode: String, $licenceNumber: String, $licenceValidUntil: String, $status: FirmStatus!) {
    registerFirm(
      partyId: $partyId
      capacities: $capacities
      creditCode: $creditCode
      licenceNumber: $licenceNumber
      licenceValidUntil: $licenceValidUntil
      status: $status
    ) {
      __typename
      ... on FirmResult {
        firm {
          partyId
          name
          capacities
          creditCode
          licenceNumber
          licenceValidUntil
          status
        }
      }
      ... on FirmRefused {
        field
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
const FIRMS = /* GraphQL */ `
  query ($capacity: FirmCapacity, $status: FirmStatus) {
    firms(capacity: $capacity, status: $status) {
      __typename
      ... on QueryFirmsSuccess {
        data {
          partyId
          capacities
          creditCode
          licenceNumber
          status
        }
      }
      ... on HubError {
        code
      }
    }
  }
`;
const SET_STATUS = /* GraphQL */ `
  mutation ($partyId: String!, $status: FirmStatus!) {
    setFirmStatus(partyId: $partyId, status: $status) {
      __typename
      ... on FirmResult {
        firm {
          status
        }
      }
      ... on HubError {
        code
      }
    }
  }
`;

const CODES = { platform: '91110000600037341L', recycler: '91440300708461136T', other: '911100001000079554' };

describe('firm registry', () => {
  let hub: TestHub;
  let operator: string;
  const register = async (variables: Record<string, unknown>, token = operator) =>
    (await hub.graphql(REGISTER, { status: 'ACTIVE', ...variables }, token)).body.data.registerFirm;
  const publicList = async () =>
    (await hub.app.yoga.fetch('http://hub.test/firms.json')).json() as Promise<{ firms: { name: string; capacities: string[]; status: string }[] }>;

  beforeAll(async () => {
    hub = await createTestHub();
    operator = await hub.token('operator-a');
    // A name that would be markup if the page did not escape it.
    await registerParty(hub.app.database.db, { id: 'sales-b', role: 'platform', displayName: 'Shop <b>&</b> Co' }, new Date());
  });
  afterAll(async () => hub?.close());

  it('registers a firm with several capacities and a dismantler with its licence (operator)', async () => {
    const platform = await register({ partyId: 'platform-a', capacities: ['ECOMMERCE_PLATFORM', 'SALES_FIRM'], creditCode: CODES.platform });
    expect(platform).toMatchObject({
      __typename: 'FirmResult',
      firm: { partyId: 'platform-a', capacities: ['SALES_FIRM', 'ECOMMERCE_PLATFORM'], creditCode: CODES.platform, status: 'ACTIVE' },
    });
    const recycler = await register({
      partyId: 'recycler-a',
      capacities: ['RECYCLER', 'DISMANTLER'],
      creditCode: CODES.recycler,
      licenceNumber: 'GD-FD-2024-018',
      licenceValidUntil: '2029-03-31',
    });
    expect(recycler.firm).toMatchObject({ capacities: ['RECYCLER', 'DISMANTLER'], licenceNumber: 'GD-FD-2024-018', licenceValidUntil: '2029-03-31' });
    expect((await register({ partyId: 'regulator-a', capacities: ['REGULATOR'] })).__typename).toBe('FirmResult');
    expect((await register({ partyId: 'sales-b', capacities: ['SALES_FIRM'], creditCode: CODES.other, status: 'PENDING' })).__typename).toBe('FirmResult');
  });

  it('refuses a registration from anyone but the operator (unauthorised)', async () => {
    const refused = await register({ partyId: 'brand-a', capacities: ['BRAND'], creditCode: CODES.other }, await hub.token('regulator-a'));
    expect(refused).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
    expect((await hub.graphql(REGISTER, { partyId: 'brand-a', capacities: ['BRAND'], status: 'ACTIVE' })).body.data.registerFirm.code).toBe('unauthenticated');
  });

  it('refuses a bad check character, a code another party holds, and a dismantler without licence, storing nothing', async () => {
    const bad = '91110000600037341M';
    const refused = await register({ partyId: 'brand-a', capacities: ['BRAND'], creditCode: bad });
    expect(refused).toMatchObject({ __typename: 'FirmRefused', code: 'firm.credit_code_invalid', field: 'creditCode' });
    expect(JSON.stringify(refused)).not.toContain(bad);
    expect(await register({ partyId: 'brand-a', capacities: ['BRAND'], creditCode: CODES.platform })).toMatchObject({
      code: 'firm.credit_code_taken',
      field: 'creditCode',
    });
    expect(await register({ partyId: 'platform-b', capacities: ['SALES_FIRM'], creditCode: CODES.other })).toMatchObject({ code: 'firm.credit_code_taken' });
    expect(await register({ partyId: 'recycler-a', capacities: ['DISMANTLER'], creditCode: CODES.recycler })).toMatchObject({
      code: 'firm.licence_required',
      field: 'licenceNumber',
    });
    expect(await register({ partyId: 'nobody-here', capacities: ['BRAND'], creditCode: CODES.other })).toMatchObject({
      code: 'firm.party_not_found',
      field: 'partyId',
    });
    const { rows } = await hub.app.database.db
      .selectFrom('firms')
      .select(['party_id', 'capacities'])
      .orderBy('party_id')
      .execute()
      .then((rows) => ({ rows }));
    expect(rows).toEqual([
      { party_id: 'platform-a', capacities: ['sales_firm', 'ecommerce_platform'] },
      { party_id: 'recycler-a', capacities: ['recycler', 'dismantler'] },
      { party_id: 'regulator-a', capacities: ['regulator'] },
      { party_id: 'sales-b', capacities: ['sales_firm'] },
    ]);
  });

  it('lets the regulator read the registry by capacity and status, and refuses a platform (unauthorised)', async () => {
    const regulator = await hub.token('regulator-a');
    const dismantlers = (await hub.graphql(FIRMS, { capacity: 'DISMANTLER' }, regulator)).body.data.firms;
    expect(dismantlers.data).toEqual([
      { partyId: 'recycler-a', capacities: ['RECYCLER', 'DISMANTLER'], creditCode: CODES.recycler, licenceNumber: 'GD-FD-2024-018', status: 'ACTIVE' },
    ]);
    const pending = (await hub.graphql(FIRMS, { status: 'PENDING' }, regulator)).body.data.firms;
    expect(pending.data.map((f: { partyId: string }) => f.partyId)).toEqual(['sales-b']);
    expect((await hub.graphql(FIRMS, {}, await hub.token('platform-a'))).body.data.firms).toMatchObject({ __typename: 'Forbidden' });
  });

  it('publishes name, capacities and status only, without the operator or regulators, and shows a suspension at once', async () => {
    expect(await publicList()).toEqual({
      firms: [
        { name: 'Shop <b>&</b> Co', capacities: ['sales_firm'], status: 'pending' },
        { name: 'platform-a', capacities: ['sales_firm', 'ecommerce_platform'], status: 'active' },
        { name: 'recycler-a', capacities: ['recycler', 'dismantler'], status: 'active' },
      ],
    });
    const suspended = (await hub.graphql(SET_STATUS, { partyId: 'platform-a', status: 'SUSPENDED' }, operator)).body.data.setFirmStatus;
    expect(suspended).toEqual({ __typename: 'FirmResult', firm: { status: 'SUSPENDED' } });
    expect((await publicList()).firms.find((f) => f.name === 'platform-a')?.status).toBe('suspended');
    expect((await hub.graphql(SET_STATUS, { partyId: 'brand-a', status: 'ACTIVE' }, operator)).body.data.setFirmStatus.code).toBe('firm.not_registered');
    expect((await hub.graphql(SET_STATUS, { partyId: 'platform-a', status: 'ACTIVE' }, await hub.token('platform-a'))).body.data.setFirmStatus.code).toBe(
      'forbidden.role',
    );
  });

  it('serves the list as a page with the names escaped and no script', async () => {
    const response = await hub.app.yoga.fetch('http://hub.test/firms');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('Shop &lt;b&gt;&amp;&lt;/b&gt; Co');
    expect(html).not.toContain('<b>&</b>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain(CODES.recycler);
    expect((await hub.app.yoga.fetch('http://hub.test/firms.json', { method: 'POST' })).status).toBe(405);
  });
});
