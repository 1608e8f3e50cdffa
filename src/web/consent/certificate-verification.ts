import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { ReceiptVerification } from './receipt-verification.ts';

export const WIPE_CERTIFICATE_TYPE = 'wipe-certificate+jwt';

/**
 * Verifies a wipe certificate in the browser with the Web Crypto API (through jose), as receipts are: the
 * ES256 signature against the hub's published keys, the certificate type, and that it names this device's
 * ticket and this certificate id. Nothing is sent anywhere; the keys come from /.well-known/jwks.json.
 */
export async function verifyWipeCertificate(
  jws: string,
  jwks: JSONWebKeySet,
  expected: { ticket: string; certificateId: string },
): Promise<ReceiptVerification> {
  if (globalThis.crypto?.subtle === undefined) return { valid: false, reason: 'no_crypto' };
  try {
    const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['ES256'], typ: WIPE_CERTIFICATE_TYPE });
    if (payload.sub !== expected.ticket || payload.jti !== expected.certificateId) return { valid: false, reason: 'mismatch' };
    return { valid: true, kid: protectedHeader.kid ?? '', claims: payload as Record<string, unknown> };
  } catch {
    return { valid: false, reason: 'signature' };
  }
}
