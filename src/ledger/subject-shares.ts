import { sql } from 'kysely';
import { actAs } from '../db/act-as.ts';
import type { Db } from '../db/database.ts';
import { shareItems } from './period-allocation.ts';
import { expandPointers } from './pointer-expansion.repository.ts';
import {
  allocatedShares,
  allocationItems,
  candidatePointers,
  expandedPointers,
  reversalsOf,
  scopePointers,
  type CountingPointer,
} from './pointers.repository.ts';
import type { Period } from './periods.ts';

export interface SubjectShareLine {
  /** The query, or for a correction the reversing journal. */
  queryId: string;
  partyId: string;
  purpose: string;
  period: Period;
  amountFen: number;
  at: Date;
  reversesQueryId: string | null;
}

export interface SubjectPointers {
  /** Every query that counted the subject, newest first, with what it asked. */
  counted: CountingPointer[];
  /** The subject's share of each, and of each reversal of one. */
  lines: SubjectShareLine[];
}

/**
 * What the pointers say about one subject: the queries that counted them (each expanded for this subject
 * alone) and their share of each. Shares of queries already allocated come from the stored split; those of
 * queries still pending (the open period) are computed as the close will compute them — the same
 * deterministic expansion — so what the user sees now is what they will be paid. Runs as the ledger's role:
 * the expansion reads other subjects' consent to know the query's count; only this subject's lines leave.
 */
export async function subjectPointers(db: Db, subjectId: string): Promise<SubjectPointers> {
  return db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_ledger');
    const candidates = await candidatePointers(tx, subjectId);
    if (candidates.length === 0) return { counted: [], lines: [] };
    await scopePointers(tx, candidates);
    await expandPointers(tx, { onlySubject: subjectId });
    const counted = await expandedPointers(tx);
    const ids = counted.map((p) => p.queryId);
    const shares = await allocatedShares(tx, subjectId, ids);
    const pending = ids.filter((id) => !shares.has(id));
    if (pending.length > 0) {
      const items = await allocationItemsOf(tx, pending);
      await shareItems(tx, items);
      const { rows } = await sql<{ query_id: string; share_fen: string }>`
        select query_id, share_fen from pointer_shares where subject_id = ${subjectId}::uuid`.execute(tx);
      for (const row of rows) shares.set(row.query_id, Number(row.share_fen));
    }
    const byId = new Map(counted.map((p) => [p.queryId, p]));
    const lines: SubjectShareLine[] = counted.map((p) => ({
      queryId: p.queryId,
      partyId: p.partyId,
      purpose: p.purpose,
      period: p.period,
      amountFen: shares.get(p.queryId) ?? 0,
      at: p.at,
      reversesQueryId: null,
    }));
    for (const reversal of await reversalsOf(tx, ids)) {
      const p = byId.get(reversal.queryId)!;
      lines.push({
        queryId: reversal.journalId,
        partyId: p.partyId,
        purpose: p.purpose,
        period: reversal.period,
        amountFen: -(shares.get(p.queryId) ?? 0),
        at: reversal.at,
        reversesQueryId: p.queryId,
      });
    }
    return { counted, lines };
  });
}

/** The +1 items of the given queries (their own split), whatever their period. */
async function allocationItemsOf(tx: Parameters<typeof allocationItems>[0], queryIds: readonly string[]) {
  const periods = await tx
    .selectFrom('query_pointers')
    .select('period')
    .distinct()
    .where('query_id', 'in', [...queryIds])
    .execute();
  const wanted = new Set(queryIds);
  const items = [];
  for (const { period } of periods)
    items.push(...(await allocationItems(tx, period)).filter((item) => item.sign > 0 && !item.allocated && wanted.has(item.queryId)));
  return items;
}
