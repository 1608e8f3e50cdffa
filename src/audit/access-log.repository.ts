import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DbOrTx } from '../db/database.ts';
import { accessLogEntryHash, type AccessLogEntryContent } from './access-log-chain.ts';
import type { AccessLogTable } from './access-log.table.ts';

/** An entry to append; `id` may be given when other rows (contributions) must name it. */
export type AccessLogInput = Omit<AccessLogEntryContent, 'seq' | 'id' | 'createdAt'> & { id?: string };

/**
 * Appends one decision to the access log, chained to the entry before it. Must run inside the transaction
 * that did the work being logged: the chain-head row lock serialises appends, and the entry commits or
 * rolls back with the query it describes.
 */
export async function appendAccessLog(tx: DbOrTx, input: AccessLogInput, now: Date): Promise<AccessLogTable> {
  // The chain's tail crosses parties, so it comes from a security-definer function that also locks it.
  const tail = await sql<{ seq: string | null; hash: Uint8Array | null }>`select seq, hash from hub_access_log_tail()`.execute(tx);
  const seq = Number(tail.rows[0]?.seq ?? 0) + 1;
  const previous = seq === 1 ? null : (tail.rows[0]?.hash ?? null);
  const { id, ...fields } = input;
  const content: AccessLogEntryContent = { ...fields, seq, id: id ?? uuidv7(), createdAt: now.toISOString() };
  const hash = accessLogEntryHash(previous, content);
  const row: AccessLogTable = {
    seq: String(seq),
    id: content.id,
    party_id: input.partyId,
    purpose: input.purpose,
    policy_id: input.policyId,
    policy_version: input.policyVersion,
    decision: input.decision,
    matched_rules: input.matchedRules,
    request: input.request,
    rows_released: input.rowsReleased,
    rows_suppressed: input.rowsSuppressed,
    subjects_counted: input.subjectsCounted,
    price_fen: String(input.priceFen),
    created_at: now,
    prev_hash: previous,
    hash,
  };
  await tx
    .insertInto('access_log')
    .values({ ...row, request: JSON.stringify(row.request) as never })
    .execute();
  await sql`select hub_access_log_advance(${String(seq)}::bigint)`.execute(tx);
  return row;
}

/** Rebuilds the hashed content of a stored entry. */
export function contentOf(row: AccessLogTable): AccessLogEntryContent {
  return {
    seq: Number(row.seq),
    id: row.id,
    partyId: row.party_id,
    purpose: row.purpose,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    decision: row.decision,
    matchedRules: row.matched_rules,
    request: row.request,
    rowsReleased: row.rows_released,
    rowsSuppressed: row.rows_suppressed,
    subjectsCounted: row.subjects_counted,
    priceFen: Number(row.price_fen),
    createdAt: row.created_at.toISOString(),
  };
}

/** The whole log in chain order, a page at a time. */
export async function* streamAccessLog(db: DbOrTx, pageSize = 5000): AsyncGenerator<AccessLogTable> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('access_log').selectAll().where('seq', '>', String(after)).orderBy('seq').limit(pageSize).execute();
    yield* rows;
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)!.seq);
  }
}

/** One page of the log, newest first, for the regulator. */
export async function listAccessLog(db: DbOrTx, page: { first: number; beforeSeq?: number; partyId?: string }): Promise<AccessLogTable[]> {
  let query = db.selectFrom('access_log').selectAll();
  if (page.beforeSeq !== undefined) query = query.where('seq', '<', String(page.beforeSeq));
  if (page.partyId !== undefined) query = query.where('party_id', '=', page.partyId);
  return query.orderBy('seq', 'desc').limit(page.first).execute();
}
