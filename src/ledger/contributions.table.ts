export interface ContributionsTable {
  subject_id: string;
  query_id: string;
  party_id: string;
  purpose: string;
  /** Price per subject (bigint as string). */
  price_fen: string;
  /** This subject's share of the query's users' pool; negative on a reversal's rows. */
  user_share_fen: string;
  /** Set on a reversal's rows: the query whose shares they take back. */
  reverses_query_id: string | null;
  created_at: Date;
}
