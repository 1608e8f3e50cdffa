/**
 * A user's green-points ledger (migration 2026-12-07T17-06-00_green-points): one award per device per
 * subject when its disposition is verified, a reversal when a later disposition changes or withdraws it.
 * Append-only; written only by the database trigger on `dispositions`.
 */
export interface GreenPointsTable {
  subject_id: string;
  record_id: string;
  /** 1, 2, … per (subject, device). */
  seq: number;
  platform_id: string;
  kind: 'award' | 'reversal';
  /** A reversal's award. */
  reverses_seq: number | null;
  /** The disposition that decided the entry. */
  disposition_id: string;
  /** numeric(12,3) as a string; negative on a reversal. */
  co2e_kg: string;
  /** Negative on a reversal. */
  points: number;
  factor_set: string;
  points_per_kg: number;
  /** First day of the UTC month of created_at. */
  month: string;
  created_at: Date;
}
