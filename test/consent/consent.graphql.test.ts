import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsentLedger } from '../../src/audit/audit.service.ts';
import { catalogueModels } from '../support/catalogue.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const SUBJECT = 'uConsentTestUser00000000000000001';
const CHANGE = (name: string) => /* GraphQL */ `
  mutation ($purpose: String!) {
    ${name}(purpose: $purpose) {
      __typename
      ... on ConsentChanged { change { purpose state expiresAt receiptId receipt } }
      ... on HubError { code message }
    }
  }`;
const ME = /* GraphQL */ `
  query {
    me {
      __typename
      ... on Me {
        subjectRef
        records {
          category
          brand
          model
          usageMonths
          tradeInMonth
          grade
        }
        consents {
          purpose
          state
          pricePerSubjectFen
          usersShareBp
          title {
            zh
            en
          }
          expiresAt
        }
        receipts {
          receiptId
          purpose
          action
          status
          receipt
        }
      }
      ... on HubError {
        code
      }
    }
  }
`;

describe('consent', () => {
  let hub: TestHub;
  let clock = new Date('2026-11-23T08:00:00Z');
  let user: string;
  beforeAll(async () => {
    hub = await createTestHub({ now: () => clock });
    user = await hub.token('platform-a', { subjectRef: SUBJECT });
  });
  afterAll(async () => hub.close());

  const consentOf = async (purpose: string) => {
    const { body } = await hub.graphql(ME, {}, await hub.token('platform-a', { subjectRef: SUBJECT }));
    return body.data.me.consents.find((c: { purpose: string }) => c.purpose === purpose);
  };

  it('starts every consent-based purpose at never_asked, and lists no statutory or forbidden purpose', async () => {
    const { body } = await hub.graphql(ME, {}, user);
    const purposes = body.data.me.consents.map((c: { purpose: string }) => c.purpose);
    expect(purposes).toEqual(expect.arrayContaining(['product-rnd', 'precise-recommendation', 'recycling-optimization']));
    expect(purposes).not.toContain('resale');
    expect(purposes).not.toContain('regulatory-statistics');
    expect(body.data.me.consents.every((c: { state: string }) => c.state === 'NEVER_ASKED')).toBe(true);
  });

  it('grants with a receipt signed by the hub that verifies against /.well-known/jwks.json', async () => {
    const { body } = await hub.graphql(CHANGE('grantConsent'), { purpose: 'product-rnd' }, user);
    const change = body.data.grantConsent.change;
    expect(change).toMatchObject({ purpose: 'product-rnd', state: 'GRANTED' });
    const jwks = await (await hub.app.yoga.fetch('http://hub.test/.well-known/jwks.json')).json();
    const { payload, protectedHeader } = await jwtVerify(change.receipt, createLocalJWKSet(jwks), { issuer: hub.config.hubId, algorithms: ['ES256'] });
    expect(protectedHeader.typ).toBe('consent-receipt+jwt');
    expect(payload).toMatchObject({ sub: SUBJECT, jti: change.receiptId, purpose: 'product-rnd', action: 'grant', status: 'granted', platform: 'platform-a' });
    const policy = hub.app.policies.get('product-rnd')!;
    expect(payload.terms).toEqual({
      policy_version: policy.version,
      price_per_subject_fen: (policy as { pricePerSubjectFen: number }).pricePerSubjectFen,
      users_share_bp: (policy as { revenueSplitBp: { users: number } }).revenueSplitBp.users,
    });
    expect(payload.consent_expires_at).toBe(Math.floor(new Date('2027-11-23T08:00:00Z').getTime() / 1000));
    expect((await consentOf('product-rnd')).state).toBe('GRANTED');
  });

  it('refuses a receipt whose payload was altered', async () => {
    const { body } = await hub.graphql(CHANGE('grantConsent'), { purpose: 'precise-recommendation' }, user);
    const [header, payload, signature] = body.data.grantConsent.change.receipt.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(body.data.grantConsent.change.receipt), purpose: 'resale' })).toString('base64url');
    const jwks = await (await hub.app.yoga.fetch('http://hub.test/.well-known/jwks.json')).json();
    await expect(jwtVerify(`${header}.${forged}.${signature}`, createLocalJWKSet(jwks))).rejects.toThrow();
    expect(payload).toBeTruthy();
  });

  it('withdraws as easily as it grants, and withdrawing twice is refused (not granted)', async () => {
    const withdrawn = await hub.graphql(CHANGE('withdrawConsent'), { purpose: 'product-rnd' }, user);
    expect(withdrawn.body.data.withdrawConsent.change.state).toBe('WITHDRAWN');
    expect((await consentOf('product-rnd')).state).toBe('WITHDRAWN');
    const again = await hub.graphql(CHANGE('withdrawConsent'), { purpose: 'product-rnd' }, user);
    expect(again.body.data.withdrawConsent).toMatchObject({ __typename: 'ConsentNotChanged', code: 'consent.not_granted' });
  });

  it('refuses a purpose not yet granted, and tells a granted one to be withdrawn instead', async () => {
    const refused = await hub.graphql(CHANGE('refuseConsent'), { purpose: 'recycling-optimization' }, user);
    expect(refused.body.data.refuseConsent.change.state).toBe('REFUSED');
    const granted = await hub.graphql(CHANGE('refuseConsent'), { purpose: 'precise-recommendation' }, user);
    expect(granted.body.data.refuseConsent).toMatchObject({ code: 'consent.withdraw_instead' });
  });

  it('never takes consent for a forbidden, statutory or unknown purpose', async () => {
    for (const purpose of ['resale', 'regulatory-statistics', 'no-such-purpose']) {
      const { body } = await hub.graphql(CHANGE('grantConsent'), { purpose }, user);
      expect(body.data.grantConsent).toMatchObject({ __typename: 'ConsentNotChanged', code: 'consent.purpose_not_consentable' });
    }
  });

  it('takes consent only from a user token, never a party token (unauthorised)', async () => {
    const events = async () => (await sql<{ n: number }>`select count(*)::int as n from consent_events`.execute(hub.app.database.db)).rows[0]!.n;
    const before = await events();
    const asParty = await hub.graphql(CHANGE('grantConsent'), { purpose: 'product-rnd' }, await hub.token('platform-a'));
    expect(asParty.status).toBe(401);
    expect(asParty.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'party_token_as_user' });
    expect(await events()).toBe(before);
    const anonymous = await hub.graphql(CHANGE('grantConsent'), { purpose: 'product-rnd' });
    expect(anonymous.body.data.grantConsent.__typename).toBe('Unauthenticated');
  });

  it('shows a lapsed grant as expired, not withdrawn', async () => {
    await hub.graphql(CHANGE('grantConsent'), { purpose: 'product-rnd' }, user);
    clock = new Date('2027-12-01T00:00:00Z');
    expect((await consentOf('product-rnd')).state).toBe('EXPIRED');
    expect((await consentOf('recycling-optimization')).state).toBe('REFUSED');
    clock = new Date('2026-11-23T09:00:00Z');
  });

  it('keeps an append-only ledger chained by hashes, with one receipt per change', async () => {
    const { rows } = await sql<{ seq: number; prev_hash: Uint8Array | null; hash: Uint8Array }>`
      select seq, prev_hash, hash from consent_events order by seq`.execute(hub.app.database.db);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows[0]!.prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(Buffer.from(rows[i]!.prev_hash!).equals(Buffer.from(rows[i - 1]!.hash))).toBe(true);
    const { body } = await hub.graphql(ME, {}, await hub.token('platform-a', { subjectRef: SUBJECT }));
    expect(body.data.me.receipts).toHaveLength(rows.length);
  });

  it('verifies the consent chain, and names the event someone altered', async () => {
    expect(await verifyConsentLedger(hub.app.database.db)).toMatchObject({ firstBreak: undefined });
    await sql`update consent_events set purpose = 'resale' where seq = 2`.execute(hub.app.database.db);
    expect((await verifyConsentLedger(hub.app.database.db)).firstBreak).toMatchObject({ seq: 2, reason: 'hash_mismatch' });
    await sql`update consent_events set purpose = 'precise-recommendation' where seq = 2`.execute(hub.app.database.db);
  });

  it("shows the user their own records' analytic fields and nobody else's", async () => {
    const platform = await hub.token('platform-a');
    await catalogueModels(hub, [{ brand: 'Apple', model: 'iPhone 12' }]);
    const document = {
      externalRef: 'ME-1',
      subjectRef: SUBJECT,
      category: 'mobile_phone',
      brand: 'Apple',
      model: 'iPhone 12 128GB',
      usageMonths: 28,
      tradeInMonth: '2026-10',
      channel: 'online',
      quotedValuationFen: 150_000,
    };
    const other = { ...document, externalRef: 'ME-2', subjectRef: 'uSomeoneElse0000000000000000000001' };
    await hub.graphql('mutation($d:[JSON!]!){submitTradeIns(documents:$d){__typename}}', { d: [document, other] }, platform);
    const { body } = await hub.graphql(ME, {}, await hub.token('platform-a', { subjectRef: SUBJECT }));
    expect(body.data.me.records).toEqual([
      { category: 'mobile_phone', brand: 'apple', model: 'iPhone 12', usageMonths: 28, tradeInMonth: '2026-10', grade: null },
    ]);
  });
});
