import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { actAs } from '../db/act-as.ts';
import type { Db } from '../db/database.ts';
import { postJournal } from './journal.repository.ts';
import { LedgerError } from './ledger-error.ts';
import { periodOf } from './periods.ts';
import { findAllocation, insertAllocations, isPointerQuery } from './pointers.repository.ts';

/**
 * Corrects a billed query by reversing it: a new journal, posted in the current period, with every line of
 * the query's journal negated; each subject's share is taken back when this period closes (negated
 * contributions for queries billed per subject before pointers). The original
 * entries stay as they were; a closed period is never touched. A query is reversed at most once.
 */
export async function reverseQueryCharge(
  db: Db,
  queryId: string,
  reason: string,
  now: Date,
): Promise<{ journalId: string; period: string; amountFen: number }> {
  if (reason.trim().length === 0) throw new LedgerError('reversal.reason_required', 'a reversal needs a reason');
  return db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_ledger');
    const original = await tx.selectFrom('journals').select(['id', 'kind']).where('query_id', '=', queryId).where('kind', '=', 'query').executeTakeFirst();
    if (original === undefined) throw new LedgerError('reversal.not_found', 'no billed query has this id');
    const already = await tx.selectFrom('journals').select('id').where('reverses', '=', original.id).executeTakeFirst();
    if (already !== undefined) throw new LedgerError('reversal.already_reversed', 'this query has already been reversed');
    // A pointer query already split (its period closed) has its split taken back here too: the reversing
    // journal negates both; the users' shares come back per subject when this period closes.
    const allocation = await findAllocation(tx, queryId);
    const journals = allocation === undefined ? [original.id] : [original.id, allocation.journal_id];
    const originalLines = (
      await tx
        .selectFrom('journal_lines')
        .select(['journal_id', 'account', 'amount_fen'])
        .where('journal_id', 'in', journals)
        .orderBy('journal_id')
        .orderBy('line')
        .execute()
    ).map((line) => ({ journalId: line.journal_id, account: line.account, amountFen: Number(line.amount_fen) }));
    // Line by line, not merged: a payer that also supplied the rows keeps its refund and its earnings apart.
    const lines = originalLines;
    const journalId = uuidv7();
    const period = periodOf(now);
    await postJournal(
      tx,
      {
        id: journalId,
        kind: 'reversal',
        period,
        reverses: original.id,
        memo: `reversal of query ${queryId}: ${reason.slice(0, 200)}`,
        lines: lines.map((line) => ({ account: line.account, amountFen: -line.amountFen })),
      },
      now,
    );
    if (allocation !== undefined) {
      await insertAllocations(tx, [
        {
          journalId,
          queryId,
          period,
          sign: -1,
          subjects: allocation.subjects,
          usersPoolFen: Number(allocation.users_pool_fen),
          baseFen: Number(allocation.base_fen),
          extraFen: Number(allocation.extra_fen),
          cutoffMd5: allocation.cutoff_md5,
          cutoffSubject: allocation.cutoff_subject,
          at: now,
        },
      ]);
    }
    // A query billed as a pointer has its split taken back at the close of this period (src/ledger/
    // period-allocation.ts); one billed per subject before pointers, here, as negated contributions.
    if (!(await isPointerQuery(tx, queryId)))
      await sql`
      insert into contributions (subject_id, query_id, party_id, purpose, price_fen, user_share_fen, reverses_query_id, created_at)
      select subject_id, ${journalId}::uuid, party_id, purpose, -price_fen, -user_share_fen, query_id, ${now}::timestamptz
      from contributions where query_id = ${queryId}::uuid and reverses_query_id is null`.execute(tx);
    const charged = originalLines.filter((line) => line.journalId === original.id && line.amountFen < 0).reduce((sum, line) => sum - line.amountFen, 0);
    return { journalId, period, amountFen: charged };
  });
}
