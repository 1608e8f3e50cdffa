import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/**
 * Dates the demo's deliveries before its history. The demo seeds at first start, so its documents arrive
 * "now", but its revenue-share history is dated last month; a query counts only data the hub had received
 * by its instant (src/ledger/pointer-expansion.repository.ts), so last month's queries would count nobody.
 * The demo parties' documents received after `at` are marked received at `at`, as if delivered then.
 * Demo data only (the owner connection, the demo's own parties); nothing a partner sends is ever re-dated.
 */
export async function dateDemoDeliveries(db: DbOrTx, parties: { platform: string; recycler: string; brand: string }, at: Date): Promise<void> {
  await sql`update records r set created_at = ${at} from tickets t
    where t.record_id = r.id and t.platform_id = ${parties.platform} and r.created_at > ${at}`.execute(db);
  await sql`update inspections set created_at = ${at} where recycler_id = ${parties.recycler} and created_at > ${at}`.execute(db);
  await sql`update dispositions set created_at = ${at} where recycler_id = ${parties.recycler} and created_at > ${at}`.execute(db);
  await sql`update catalogue_models set created_at = ${at} where party_id = ${parties.brand} and created_at > ${at}`.execute(db);
}
