import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const FIELDS = '__typename ... on AgreementResult { agreement { id partyId purpose status validFrom validTo } } ... on HubError { code message }';
const REQUEST = `mutation($p:String!){ requestAgreement(purpose:$p){ ${FIELDS} } }`;
const APPROVE = `mutation($id:ID!){ approveAgreement(id:$id){ ${FIELDS} } }`;
const REJECT = `mutation($id:ID!){ rejectAgreement(id:$id){ ${FIELDS} } }`;
const TERMINATE = `mutation($id:ID!){ terminateAgreement(id:$id){ ${FIELDS} } }`;
const ASK = `query($p:String!){ insights(purpose:$p, groupBy:[brand], measures:[count]){ __typename ... on AccessDenied { matchedRules } } }`;
const MINE = '{ myAgreements { ... on QueryMyAgreementsSuccess { data { id purpose status } } } }';

describe('data-use agreements', () => {
  let hub: TestHub;
  let clock = new Date('2026-11-23T08:00:00Z');
  beforeAll(async () => {
    hub = await createTestHub({ now: () => clock });
  });
  afterAll(async () => hub.close());

  it('waits for the operator where the policy says so, then is active for the policy term', async () => {
    const brand = await hub.token('brand-a');
    const requested = (await hub.graphql(REQUEST, { p: 'product-rnd' }, brand)).body.data.requestAgreement;
    expect(requested.agreement).toMatchObject({ partyId: 'brand-a', purpose: 'product-rnd', status: 'REQUESTED', validFrom: null });
    const again = (await hub.graphql(REQUEST, { p: 'product-rnd' }, brand)).body.data.requestAgreement;
    expect(again).toMatchObject({ __typename: 'AgreementNotChanged', code: 'agreement.already_open' });
    const notOperator = (await hub.graphql(APPROVE, { id: requested.agreement.id }, brand)).body.data.approveAgreement;
    expect(notOperator).toMatchObject({ __typename: 'Forbidden', code: 'forbidden.role' });
    const approved = (await hub.graphql(APPROVE, { id: requested.agreement.id }, await hub.token('operator-a'))).body.data.approveAgreement;
    const term = (hub.app.policies.get('product-rnd') as { agreementTermMonths: number }).agreementTermMonths;
    expect(approved.agreement).toMatchObject({ status: 'ACTIVE', validFrom: clock.toISOString() });
    expect(new Date(approved.agreement.validTo).getUTCMonth()).toBe((clock.getUTCMonth() + term) % 12);
  });

  it('expires when its term runs out', async () => {
    const brand = await hub.token('brand-a');
    clock = new Date('2028-01-01T00:00:00Z');
    const mine = (await hub.graphql(MINE, {}, await hub.token('brand-a'))).body.data.myAgreements.data;
    expect(mine.find((a: { purpose: string }) => a.purpose === 'product-rnd').status).toBe('EXPIRED');
    // An expired agreement is no longer open: a new request may be made.
    const renewed = (await hub.graphql(REQUEST, { p: 'product-rnd' }, brand)).body.data.requestAgreement;
    expect(renewed.agreement.status).toBe('REQUESTED');
    clock = new Date('2026-11-23T08:00:00Z');
  });

  it('is active at once where the policy approves automatically', async () => {
    const recycler = await hub.token('recycler-a');
    const { agreement } = (await hub.graphql(REQUEST, { p: 'recycling-optimization' }, recycler)).body.data.requestAgreement;
    expect(agreement.status).toBe('ACTIVE');
  });

  it('can be rejected by the operator', async () => {
    const brand = await hub.token('brand-a');
    const { agreement } = (await hub.graphql(REQUEST, { p: 'precise-recommendation' }, brand)).body.data.requestAgreement;
    const rejected = (await hub.graphql(REJECT, { id: agreement.id }, await hub.token('operator-a'))).body.data.rejectAgreement;
    expect(rejected.agreement.status).toBe('REJECTED');
    const approveLater = (await hub.graphql(APPROVE, { id: agreement.id }, await hub.token('operator-a'))).body.data.approveAgreement;
    expect(approveLater).toMatchObject({ code: 'agreement.not_pending' });
  });

  it('can be terminated by its party, and another party cannot even see it (isolation)', async () => {
    const recycler = await hub.token('recycler-a');
    const mine = (await hub.graphql(MINE, {}, recycler)).body.data.myAgreements.data;
    const active = mine.find((a: { status: string }) => a.status === 'ACTIVE');
    const byStranger = (await hub.graphql(TERMINATE, { id: active.id }, await hub.token('brand-a'))).body.data.terminateAgreement;
    const missing = (await hub.graphql(TERMINATE, { id: '01900000-0000-7000-8000-000000000000' }, await hub.token('brand-a'))).body.data.terminateAgreement;
    expect(byStranger).toEqual(missing);
    const malformed = (await hub.graphql(TERMINATE, { id: 'not-an-id' }, await hub.token('brand-a'))).body.data.terminateAgreement;
    expect(malformed).toEqual(missing);
    const whileActive = (await hub.graphql(ASK, { p: 'recycling-optimization' }, recycler)).body.data.insights;
    expect(whileActive.matchedRules ?? []).not.toContain('agreement.missing');
    const terminated = (await hub.graphql(TERMINATE, { id: active.id }, recycler)).body.data.terminateAgreement;
    expect(terminated.agreement.status).toBe('TERMINATED');
    // The denial names the termination, not a missing agreement.
    const after = (await hub.graphql(ASK, { p: 'recycling-optimization' }, recycler)).body.data.insights;
    expect(after).toMatchObject({ __typename: 'AccessDenied' });
    expect(after.matchedRules).toContain('agreement.terminated');
    expect(after.matchedRules).not.toContain('agreement.missing');
  });

  it('is never granted for a forbidden or statutory purpose, or to a role the policy does not allow', async () => {
    const brand = await hub.token('brand-a');
    for (const purpose of ['resale', 'regulatory-statistics', 'nothing-like-this']) {
      expect((await hub.graphql(REQUEST, { p: purpose }, brand)).body.data.requestAgreement).toMatchObject({ code: 'agreement.purpose_not_available' });
    }
    const platform = await hub.token('platform-a');
    expect((await hub.graphql(REQUEST, { p: 'product-rnd' }, platform)).body.data.requestAgreement).toMatchObject({ code: 'agreement.role_not_allowed' });
  });
});
