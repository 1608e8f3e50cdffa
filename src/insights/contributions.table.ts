export interface ContributionsTable {
  subject_id: string;
  query_id: string;
  party_id: string;
  purpose: string;
  price_fen: string;
  created_at: Date;
}
