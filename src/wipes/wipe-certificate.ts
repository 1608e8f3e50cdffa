import { SignJWT } from 'jose';
import type { HubSigningKey } from '../hub-keys/hub-signing-key.ts';

/** What a wipe certificate states: which device (its ticket), who verified the wipe, to what standard and level, when. */
export interface WipeCertificateClaims {
  certificateId: string;
  ticket: string;
  notaryId: string;
  standard: string;
  level: string;
  method: string;
  verification: string;
  /** YYYY-MM, the month the notary verified the wipe. */
  month: string;
  issuedAt: Date;
}

export const WIPE_CERTIFICATE_TYPE = 'wipe-certificate+jwt';

/**
 * Signs a wipe certificate as a compact JWS with the hub's key (ES256, `kid` in the header), like consent
 * receipts: anyone verifies it against /.well-known/jwks.json. `sub` is the ticket (the random id on the
 * parcel, no personal datum); `notary` the attesting party. No `exp`: it proves what was attested when.
 */
export async function signWipeCertificate(key: HubSigningKey, hubId: string, claims: WipeCertificateClaims): Promise<string> {
  return new SignJWT({
    notary: claims.notaryId,
    standard: claims.standard,
    level: claims.level,
    method: claims.method,
    verification: claims.verification,
    month: claims.month,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: WIPE_CERTIFICATE_TYPE })
    .setIssuer(hubId)
    .setSubject(claims.ticket)
    .setJti(claims.certificateId)
    .setIssuedAt(Math.floor(claims.issuedAt.getTime() / 1000))
    .sign(key.privateKey);
}
