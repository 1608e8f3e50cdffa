import { SignJWT } from 'jose';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';

export interface ConsentReceiptClaims {
  receiptId: string;
  platformId: string;
  subjectRef: string;
  purpose: string;
  action: string;
  status: string;
  policyVersion: number;
  pricePerSubjectFen: number;
  usersShareBp: number;
  issuedAt: Date;
  /** When a grant lapses; null for refusals and withdrawals. */
  consentExpiresAt: Date | null;
}

export const RECEIPT_TYPE = 'consent-receipt+jwt';

/**
 * Signs a consent receipt as a compact JWS with the hub's key (ES256, `kid` in the header). Anyone can
 * verify it against /.well-known/jwks.json. It carries no `exp`: a receipt proves what was agreed at a time
 * and stays verifiable forever; the consent's own expiry is the `consent_expires_at` claim.
 */
export async function signConsentReceipt(key: HubSigningKey, hubId: string, claims: ConsentReceiptClaims): Promise<string> {
  return new SignJWT({
    platform: claims.platformId,
    purpose: claims.purpose,
    action: claims.action,
    status: claims.status,
    terms: { policy_version: claims.policyVersion, price_per_subject_fen: claims.pricePerSubjectFen, users_share_bp: claims.usersShareBp },
    consent_expires_at: claims.consentExpiresAt === null ? null : Math.floor(claims.consentExpiresAt.getTime() / 1000),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: RECEIPT_TYPE })
    .setIssuer(hubId)
    .setSubject(claims.subjectRef)
    .setJti(claims.receiptId)
    .setIssuedAt(Math.floor(claims.issuedAt.getTime() / 1000))
    .sign(key.privateKey);
}
