import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signConsentReceipt } from '../../src/consent/consent-receipt.ts';
import { loadHubSigningKey, type HubSigningKey } from '../../src/hub-keys/hub-signing-key.ts';
import { verifyWipeCertificate } from '../../src/web/consent/certificate-verification.ts';
import { signWipeCertificate } from '../../src/wipes/wipe-certificate.ts';
import { wipeStatusOf, withholdBelow } from '../../src/wipes/wipe-status.ts';

const TICKET = '0195f3a2-7c4e-7d2e-9b3a-5e8f1c2d4a6b';
const ID = '0195f3a2-7c4e-7d2e-9b3a-000000000001';

describe('wipe certificates (signWipeCertificate, verifyWipeCertificate)', () => {
  let key: HubSigningKey;
  let jwks: { keys: unknown[] };
  let certificate: string;

  beforeAll(async () => {
    key = (await loadHubSigningKey({ dataDir: await fs.mkdtemp(path.join(os.tmpdir(), 'wipe-cert-')), envKey: undefined })).key;
    jwks = { keys: [key.publicJwk] };
    certificate = await signWipeCertificate(key, 'hub-test', {
      certificateId: ID,
      ticket: TICKET,
      notaryId: 'notary-n',
      standard: 'GB_INFO_CLEARANCE_2025',
      level: 'purge',
      method: 'crypto_erase',
      verification: 'full',
      month: '2026-11',
      issuedAt: new Date('2026-12-01T00:00:00Z'),
    });
  });

  it('verifies a certificate the hub signed, for this ticket and id', async () => {
    expect(await verifyWipeCertificate(certificate, jwks as never, { ticket: TICKET, certificateId: ID })).toMatchObject({
      valid: true,
      kid: key.kid,
      claims: { iss: 'hub-test', sub: TICKET, jti: ID, notary: 'notary-n', standard: 'GB_INFO_CLEARANCE_2025', level: 'purge', month: '2026-11' },
    });
  });

  it('refuses an altered certificate (signature)', async () => {
    const [header, payload, signature] = certificate.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, level: 'destroy' })).toString('base64url')}.${signature}`;
    expect(await verifyWipeCertificate(forged, jwks as never, { ticket: TICKET, certificateId: ID })).toEqual({ valid: false, reason: 'signature' });
  });

  it('refuses a genuine certificate shown for another device (mismatch)', async () => {
    expect(await verifyWipeCertificate(certificate, jwks as never, { ticket: '0195f3a2-7c4e-7d2e-9b3a-5e8f1c2d4a6c', certificateId: ID })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a consent receipt offered as a certificate (its type)', async () => {
    const receipt = await signConsentReceipt(key, 'hub-test', {
      receiptId: ID,
      platformId: 'platform-a',
      subjectRef: TICKET,
      purpose: 'product-rnd',
      action: 'grant',
      status: 'granted',
      policyVersion: 1,
      pricePerSubjectFen: 10,
      usersShareBp: 5000,
      issuedAt: new Date(),
      consentExpiresAt: null,
    });
    expect((await verifyWipeCertificate(receipt, jwks as never, { ticket: TICKET, certificateId: ID })).valid).toBe(false);
  });
});

describe('wipeStatusOf', () => {
  it('puts a certificate above an attestation, an attestation above a self-declaration', () => {
    expect(wipeStatusOf({ certified: true, attested: true, selfDeclared: true })).toBe('certified');
    expect(wipeStatusOf({ certified: false, attested: true, selfDeclared: true })).toBe('attested_without_certificate');
    expect(wipeStatusOf({ certified: false, attested: false, selfDeclared: true })).toBe('self_declared');
    expect(wipeStatusOf({ certified: false, attested: false, selfDeclared: false })).toBe('none');
  });
});

describe('withholdBelow', () => {
  it('withholds cells below k and keeps the rest exact', () => {
    expect(
      withholdBelow(
        [
          { level: 'purge', devices: 4 },
          { level: 'clear', devices: 5 },
        ],
        5,
      ),
    ).toEqual([
      { level: 'purge', devices: null },
      { level: 'clear', devices: 5 },
    ]);
  });
});
