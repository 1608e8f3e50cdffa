import { sql, type Transaction } from 'kysely';
import type { Database } from './database.ts';
import type { HubRole } from './sessions.ts';

/**
 * Switches the rest of this transaction to a narrow role (`set local role`): work that must cross parties
 * — an allowed aggregate, a payout run — gets exactly that role's privileges and policies, never the
 * owner's. The session's party stays named, so policies that still scope by party (a query's privacy
 * budget, the access log) keep doing so. The role reverts when the transaction ends.
 */
export async function actAs(tx: Transaction<Database>, role: Exclude<HubRole, 'hub_app'>): Promise<void> {
  await sql`select set_config('role', ${role}, true)`.execute(tx);
}
