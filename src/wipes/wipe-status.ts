/**
 * A device's wipe status as parties read it (pure). A notary's successful attestation earns a certificate;
 * a recycler's own `dataWipe` statement in its inspection stays, but only as self-declared.
 */
export const WIPE_STATUSES = ['certified', 'attested_without_certificate', 'self_declared', 'none'] as const;
export type WipeStatus = (typeof WIPE_STATUSES)[number];

/**
 * `certified` when any attestation of the device earned a certificate; else `attested_without_certificate`
 * when a notary attested a wipe that failed or had exceptions; else `self_declared` when only the recycler's
 * own statement exists; else `none`.
 */
export function wipeStatusOf(facts: { certified: boolean; attested: boolean; selfDeclared: boolean }): WipeStatus {
  if (facts.certified) return 'certified';
  if (facts.attested) return 'attested_without_certificate';
  if (facts.selfDeclared) return 'self_declared';
  return 'none';
}

/**
 * Categories whose devices hold user data (the GB information-clearance standard's scope: phones, tablets,
 * computers, wearables). Only these are flagged to the regulator when they reach disposition uncertified;
 * a refrigerator has nothing to wipe.
 */
export const DATA_BEARING_CATEGORIES = ['mobile_phone', 'tablet', 'computer', 'smartwatch_band', 'smart_glasses'] as const;

/** Cells of a party-facing count below `k` devices are withheld (null); the regulator's figures are exact. */
export function withholdBelow<T extends { devices: number }>(rows: readonly T[], k: number): (Omit<T, 'devices'> & { devices: number | null })[] {
  return rows.map((row) => ({ ...row, devices: row.devices < k ? null : row.devices }));
}
