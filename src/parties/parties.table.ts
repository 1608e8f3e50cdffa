/** `notary`: a third-party wipe verifier (attests recyclers' data wipes; holds no devices). */
export const PARTY_ROLES = ['platform', 'brand', 'recycler', 'regulator', 'operator', 'notary'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const KEY_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export interface PartiesTable {
  id: string;
  role: PartyRole;
  display_name: string;
  created_at: Date;
  disabled_at: Date | null;
}

export interface PartyKeysTable {
  party_id: string;
  kid: string;
  alg: KeyAlgorithm;
  public_jwk: Record<string, unknown>;
  created_at: Date;
  revoked_at: Date | null;
}

export interface HubSettingsTable {
  key: string;
  value: string;
}
