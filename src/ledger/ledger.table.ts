import type { Generated } from 'kysely';

export interface LedgerPeriodsTable {
  period: string;
  status: 'open' | 'closed';
  opened_at: Date;
  closed_at: Date | null;
}

export interface JournalsTable {
  id: string;
  kind: 'query' | 'payout' | 'reversal';
  period: string;
  query_id: string | null;
  reverses: string | null;
  memo: string;
  created_at: Date;
}

export interface JournalLinesTable {
  journal_id: string;
  line: number;
  account: string;
  /** bigint: pg returns it as a string. */
  amount_fen: string;
}

export interface AccountBalancesTable {
  account: string;
  balance_fen: string;
  updated_at: Date;
}

export interface PayoutRunsTable {
  period: string;
  id: string;
  minimum_fen: string;
  subjects: number;
  earned_fen: string;
  brought_forward_fen: string;
  paid_fen: string;
  carried_fen: string;
  journal_id: string | null;
  created_at: Date;
}

export interface PayoutLinesTable {
  period: string;
  subject_id: string;
  platform_id: string;
  earned_fen: string;
  brought_forward_fen: string;
  accrued_fen: string;
  paid_fen: string;
  carried_fen: string;
}

export interface StatementsTable {
  period: string;
  platform_id: string;
  subjects: number;
  total_fen: string;
  issued_at: Date;
}

export interface StatementConfirmationsTable {
  period: string;
  platform_id: string;
  reference: string | null;
  confirmed_at: Generated<Date>;
}
