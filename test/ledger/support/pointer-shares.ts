import { sql } from 'kysely';
import type { Db } from '../../../src/db/database.ts';
import { shareItems } from '../../../src/ledger/period-allocation.ts';
import { allocationItems } from '../../../src/ledger/pointers.repository.ts';

/**
 * Each subject's share of a pointer query's users' pool, as the close computes it (the expansion of that
 * one query), read in a transaction that is rolled back: subject id → fen.
 */
export async function pointerShares(db: Db, queryId: string): Promise<Map<string, number>> {
  const shares = new Map<string, number>();
  await db.transaction().execute(async (tx) => {
    const { period } = await tx.selectFrom('query_pointers').select('period').where('query_id', '=', queryId).executeTakeFirstOrThrow();
    const items = (await allocationItems(tx, period)).filter((item) => item.queryId === queryId && item.sign > 0);
    await shareItems(tx, items);
    const { rows } = await sql<{ subject_id: string; share_fen: string }>`select subject_id, share_fen from pointer_shares`.execute(tx);
    for (const row of rows) shares.set(row.subject_id, Number(row.share_fen));
  });
  return shares;
}
