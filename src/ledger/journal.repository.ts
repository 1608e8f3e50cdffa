import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DbOrTx } from '../db/database.ts';
import { LedgerError } from './ledger-error.ts';
import type { Period } from './periods.ts';
import type { JournalLine } from './revenue-split.ts';

export interface NewJournal {
  id?: string;
  kind: 'query' | 'payout' | 'reversal' | 'allocation';
  period: Period;
  queryId?: string | null;
  reverses?: string | null;
  memo: string;
  lines: readonly JournalLine[];
}

/**
 * Holds the period open for the rest of the transaction with a share lock, so a payout run (which takes
 * the row exclusively) waits for every posting in flight and no posting can land in a period once it is
 * closed. The period's row is written once, by its first posting; later postings only lock it.
 */
async function lockOpenPeriod(tx: DbOrTx, period: Period, now: Date): Promise<void> {
  const lock = () => tx.selectFrom('ledger_periods').select('status').where('period', '=', period).forShare().executeTakeFirst();
  let row = await lock();
  if (row === undefined) {
    await tx
      .insertInto('ledger_periods')
      .values({ period, status: 'open', opened_at: now, closed_at: null })
      .onConflict((oc) => oc.column('period').doNothing())
      .execute();
    row = await lock();
  }
  if (row!.status === 'closed') throw new LedgerError('period.closed', `period ${period} is closed; nothing more may be posted to it`);
}

/**
 * Appends one balanced journal and moves the balances it touches, in the caller's transaction. The lines
 * must sum to zero (checked here, and again by the database when the transaction commits). Returns the
 * journal's id.
 */
export async function postJournal(tx: DbOrTx, journal: NewJournal, now: Date): Promise<string> {
  const total = journal.lines.reduce((sum, line) => sum + BigInt(line.amountFen), 0n);
  if (total !== 0n) throw new LedgerError('journal.unbalanced', `a journal must sum to zero; its lines sum to ${total} fen`);
  for (const line of journal.lines) {
    if (!Number.isSafeInteger(line.amountFen)) throw new LedgerError('journal.amount_not_integer', 'journal amounts are whole fen');
  }
  const id = journal.id ?? uuidv7();
  await lockOpenPeriod(tx, journal.period, now);
  await tx
    .insertInto('journals')
    .values({
      id,
      kind: journal.kind,
      period: journal.period,
      query_id: journal.queryId ?? null,
      reverses: journal.reverses ?? null,
      memo: journal.memo,
      created_at: now,
    })
    .execute();
  if (journal.lines.length === 0) return id;
  await tx
    .insertInto('journal_lines')
    .values(journal.lines.map((line, index) => ({ journal_id: id, line: index + 1, account: line.account, amount_fen: String(line.amountFen) })))
    .execute();
  // Balances move in account order so two postings touching the same accounts cannot deadlock.
  const byAccount = [...journal.lines].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  await sql`
    insert into account_balances (account, balance_fen, updated_at)
    select account, sum(amount)::bigint, ${now}::timestamptz
    from unnest(${byAccount.map((l) => l.account)}::text[], ${byAccount.map((l) => String(l.amountFen))}::bigint[]) as t(account, amount)
    group by account order by account
    on conflict (account) do update set balance_fen = account_balances.balance_fen + excluded.balance_fen, updated_at = excluded.updated_at`.execute(tx);
  return id;
}
