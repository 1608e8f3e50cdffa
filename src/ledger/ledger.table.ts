import type { Generated } from 'kysely';

export interface LedgerPeriodsTable {
  period: string;
  status: 'open' | 'closed';
  opened_at: Date;
  closed_at: Date | null;
}

export interface JournalsTable {
  id: string;
  kind: 'query' | 'payout' | 'reversal' | 'allocation';
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

/** One billed query, as a pointer: what it asked, what it released, where the consent ledger stood. */
export interface QueryPointersTable {
  query_id: string;
  party_id: string;
  purpose: string;
  policy_version: number;
  period: string;
  at: Date;
  /** bigint: the consent ledger's position at the query's instant. */
  consent_position: string;
  group_by: string[];
  filters: Record<string, unknown>;
  measures: string[];
  /** JSON text of each released row's keys, in group_by order. */
  released_keys: string[];
  remainder_released: boolean;
  records_per_subject: number | null;
  uses_inspection: boolean;
  uses_disposition: boolean;
  uses_catalogue: boolean;
  price_per_subject_fen: string;
  billed_subjects: number;
  price_fen: string;
  users_bp: number;
  parties_bp: number;
  hub_bp: number;
  journal_id: string;
}

/** A query's split once its pointer was expanded: +1 in its own period, −1 in the period of its reversal. */
export interface QueryAllocationsTable {
  journal_id: string;
  query_id: string;
  period: string;
  sign: number;
  subjects: number;
  users_pool_fen: string;
  base_fen: string;
  extra_fen: string;
  /** The last subject (in md5(query, subject), subject order) given the extra fen; null when none is. */
  cutoff_md5: string | null;
  cutoff_subject: string | null;
  created_at: Date;
}
