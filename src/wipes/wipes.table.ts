import type { WipeLevel, WipeResult, WipeStandard, WipeTechnique, WipeVerification } from '../documents/documents.generated.ts';

/**
 * A notary's attestation of a device's data wipe, made while a recycler or dismantler held it, and the
 * hub's certificate for a successful one. Vocabulary only: no serial, no name, no free text. Append-only.
 */
export interface WipeAttestationsTable {
  ticket_id: string;
  id: string;
  record_id: string;
  notary_id: string;
  /** The recycler or dismantler that held the device when the notary attested its wipe. */
  holder_id: string;
  standard: WipeStandard;
  level: WipeLevel;
  method: WipeTechnique;
  verification: WipeVerification;
  result: WipeResult;
  /** First day of the month the wipe was verified. */
  wiped_month: string;
  /** The certificate's `jti`; null unless the result is `success`. */
  certificate_id: string | null;
  /** The certificate: a compact JWS signed by the hub; null unless the result is `success`. */
  certificate: string | null;
  created_at: Date;
}
