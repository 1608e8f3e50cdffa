export interface AccessLogTable {
  seq: string;
  id: string;
  party_id: string | null;
  purpose: string;
  policy_id: string | null;
  policy_version: number | null;
  decision: 'allow' | 'deny';
  matched_rules: string[];
  request: Record<string, unknown>;
  rows_released: number;
  rows_suppressed: number;
  subjects_counted: number;
  price_fen: string;
  created_at: Date;
  prev_hash: Uint8Array | null;
  hash: Uint8Array;
}
