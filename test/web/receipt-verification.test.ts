import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptAsJson, verifyReceipt } from '../../src/web/consent/receipt-verification.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

const USER = 'uReceiptCheck-theUser-subjectRef';

describe('consent receipt verification (the consent page, src/web/consent/receipt-verification.ts)', () => {
  let hub: TestHub;
  let receipt: { receiptId: string; receipt: string };
  let jwks: { keys: Record<string, unknown>[] };

  beforeAll(async () => {
    hub = await createTestHub();
    const token = await hub.token('platform-a', { subjectRef: USER });
    const { body } = await hub.graphql('mutation{grantConsent(purpose:"product-rnd"){... on ConsentChanged{change{receiptId receipt}}}}', {}, token);
    receipt = body.data.grantConsent.change;
    jwks = await (await hub.app.yoga.fetch('http://hub.test/.well-known/jwks.json')).json();
  });
  afterAll(async () => hub.close());

  it("accepts a receipt the hub signed, for this user and receipt id, against the hub's published keys", async () => {
    const verdict = await verifyReceipt(receipt.receipt, jwks as never, { subjectRef: USER, receiptId: receipt.receiptId });
    expect(verdict).toMatchObject({ valid: true, kid: hub.app.signingKey.kid, claims: { purpose: 'product-rnd', action: 'grant', sub: USER } });
  });

  it('refuses a receipt whose claims were altered (signature)', async () => {
    const [header, payload, signature] = receipt.receipt.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, purpose: 'resale' })).toString('base64url')}.${signature}`;
    expect(await verifyReceipt(forged, jwks as never, { subjectRef: USER, receiptId: receipt.receiptId })).toEqual({ valid: false, reason: 'signature' });
  });

  it("refuses another user's genuine receipt shown as this one (mismatch)", async () => {
    expect(await verifyReceipt(receipt.receipt, jwks as never, { subjectRef: 'uReceiptCheck-someoneElse-subject', receiptId: receipt.receiptId })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a receipt checked against keys the hub does not hold (signature)', async () => {
    const stranger = { keys: [{ ...jwks.keys[0], x: jwks.keys[0]!.y, y: jwks.keys[0]!.x }] };
    expect((await verifyReceipt(receipt.receipt, stranger as never, { subjectRef: USER, receiptId: receipt.receiptId })).valid).toBe(false);
  });

  it('writes the download as header, claims and the JWS itself, naming where the keys are', () => {
    const json = JSON.parse(receiptAsJson(receipt.receipt, 'http://127.0.0.1:4000'));
    expect(json).toMatchObject({
      header: { alg: 'ES256', typ: 'consent-receipt+jwt' },
      claims: { jti: receipt.receiptId },
      jws: receipt.receipt,
      verifyWith: 'http://127.0.0.1:4000/.well-known/jwks.json',
    });
  });
});
