import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

export interface DpBudgetTable {
  party_id: string;
  purpose: string;
  month: string;
  epsilon_spent: string;
  queries: number;
  updated_at: Date;
}

/** The first day of `now`'s month (UTC): the budget's period. */
export function budgetMonth(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/**
 * Locks the party's budget row for the month (creating it at zero) and returns the ε already spent. Held
 * until the transaction ends, so two queries cannot both spend the last of a budget.
 */
export async function lockBudget(db: DbOrTx, key: { partyId: string; purpose: string; month: string; now: Date }): Promise<number> {
  await sql`insert into dp_budget (party_id, purpose, month, epsilon_spent, queries, updated_at)
            values (${key.partyId}, ${key.purpose}, ${key.month}::date, 0, 0, ${key.now})
            on conflict (party_id, purpose, month) do nothing`.execute(db);
  const { rows } = await sql<{ epsilon_spent: string }>`
    select epsilon_spent from dp_budget where party_id = ${key.partyId} and purpose = ${key.purpose} and month = ${key.month}::date for update`.execute(db);
  return Number(rows[0]!.epsilon_spent);
}

export async function spendBudget(db: DbOrTx, key: { partyId: string; purpose: string; month: string; now: Date }, epsilon: number): Promise<void> {
  await sql`update dp_budget set epsilon_spent = epsilon_spent + ${epsilon}, queries = queries + 1, updated_at = ${key.now}
            where party_id = ${key.partyId} and purpose = ${key.purpose} and month = ${key.month}::date`.execute(db);
}
