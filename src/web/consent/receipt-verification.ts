import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';

export const RECEIPT_TYPE = 'consent-receipt+jwt';

export type ReceiptVerification =
  { valid: true; kid: string; claims: Record<string, unknown> } | { valid: false; reason: 'signature' | 'mismatch' | 'no_crypto' | 'keys_unavailable' };

/**
 * Verifies a consent receipt in the browser with the Web Crypto API (through jose): the ES256 signature
 * against the hub's published keys, the receipt type, and that it names this user and this receipt id.
 * Nothing is sent anywhere; the keys come from /.well-known/jwks.json.
 */
export async function verifyReceipt(jws: string, jwks: JSONWebKeySet, expected: { subjectRef: string; receiptId: string }): Promise<ReceiptVerification> {
  // Web Crypto exists only in secure contexts (https, or this machine over http).
  if (globalThis.crypto?.subtle === undefined) return { valid: false, reason: 'no_crypto' };
  try {
    const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['ES256'], typ: RECEIPT_TYPE });
    if (payload.sub !== expected.subjectRef || payload.jti !== expected.receiptId) return { valid: false, reason: 'mismatch' };
    return { valid: true, kid: protectedHeader.kid ?? '', claims: payload as Record<string, unknown> };
  } catch {
    return { valid: false, reason: 'signature' };
  }
}

/** The receipt as a readable JSON document for download: header, claims and the JWS itself. */
export function receiptAsJson(jws: string, hubOrigin: string): string {
  let header: unknown = null;
  let claims: unknown = null;
  try {
    header = decodeProtectedHeader(jws);
    claims = decodeJwt(jws);
  } catch {
    // A malformed receipt is still offered whole; what could not be decoded stays null.
  }
  return `${JSON.stringify({ header, claims, jws, verifyWith: `${hubOrigin}/.well-known/jwks.json` }, null, 2)}\n`;
}
