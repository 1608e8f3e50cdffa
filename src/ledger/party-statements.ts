import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { ACCOUNTS } from './revenue-split.ts';

export interface PartyPeriodStatement {
  period: string;
  partyId: string;
  /** Fen the party was charged for its queries (net of reversals). */
  chargedFen: number;
  /** Fen the party earned for the documents it supplied (net of reversals). */
  earnedFen: number;
  /** Queries the party paid for. */
  queries: number;
  /** Platforms only: what its users earned, and what the hub owes it to pay them (after payout runs). */
  usersEarnedFen: number;
  usersPaidFen: number;
}

/**
 * What a party was charged and earned, per period, from the journal itself. The party's own account
 * carries charges (debits on its queries) and earnings (credits as a supplier); a reversal is a journal
 * of the opposite sign, so it nets within the period it was posted in.
 */
export async function partyStatements(db: DbOrTx, partyId: string): Promise<PartyPeriodStatement[]> {
  const { rows } = await sql<{ period: string; charged: string; earned: string; queries: number; users_earned: string; users_paid: string }>`
    select j.period,
      coalesce(-sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.party(partyId)} and j.kind = 'query' and l.amount_fen < 0), 0)
        - coalesce(sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.party(partyId)} and j.kind = 'reversal' and l.amount_fen > 0), 0) as charged,
      coalesce(sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.party(partyId)} and j.kind = 'query' and l.amount_fen > 0), 0)
        + coalesce(sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.party(partyId)} and j.kind = 'reversal' and l.amount_fen < 0), 0)
        -- A pointer query's suppliers are credited by its allocation at the close (negative when taken back).
        + coalesce(sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.party(partyId)} and j.kind = 'allocation'), 0) as earned,
      count(distinct j.id) filter (where l.account = ${ACCOUNTS.party(partyId)} and j.kind = 'query' and l.amount_fen < 0)::int as queries,
      coalesce(sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.usersPool(partyId)} and j.kind <> 'payout'), 0) as users_earned,
      coalesce(sum(l.amount_fen) filter (where l.account = ${ACCOUNTS.payable(partyId)}), 0) as users_paid
    from journal_lines l join journals j on j.id = l.journal_id
    where l.account in (${ACCOUNTS.party(partyId)}, ${ACCOUNTS.usersPool(partyId)}, ${ACCOUNTS.payable(partyId)})
    group by j.period order by j.period desc`.execute(db);
  return rows.map((row) => ({
    period: row.period,
    partyId,
    chargedFen: Number(row.charged),
    earnedFen: Number(row.earned),
    queries: row.queries,
    usersEarnedFen: Number(row.users_earned),
    usersPaidFen: Number(row.users_paid),
  }));
}
