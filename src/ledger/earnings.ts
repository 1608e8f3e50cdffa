import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { periodBounds, type Period } from './periods.ts';
import type { SubjectShareLine } from './subject-shares.ts';

export interface PeriodEarnings {
  period: Period;
  /** CLOSED once the period's payout run has happened; until then the figures are the accruals so far. */
  status: 'OPEN' | 'CLOSED';
  broughtForwardFen: number;
  earnedFen: number;
  accruedFen: number;
  /** Null while the period is open. */
  paidFen: number | null;
  carriedFen: number | null;
}

export interface EarningLine {
  queryId: string;
  partyId: string;
  purpose: string;
  amountFen: number;
  at: Date;
  /** Set when the line takes back an earlier query's share (a correction). */
  reversesQueryId: string | null;
}

/**
 * A subject's earnings per period, newest first: closed periods as their payout run settled them, open
 * ones as accrued so far (what the last run carried forward plus what was earned since). `pointerLines` are
 * the subject's shares of queries billed as pointers (src/ledger/subject-shares.ts); the rest are the
 * contributions of queries billed per subject before.
 */
export async function subjectEarnings(db: DbOrTx, subjectId: string, pointerLines: readonly SubjectShareLine[]): Promise<PeriodEarnings[]> {
  const closed = await db.selectFrom('payout_lines').selectAll().where('subject_id', '=', subjectId).orderBy('period').execute();
  const { rows: earned } = await sql<{ period: string; fen: string }>`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM') as period, sum(user_share_fen)::bigint as fen
    from contributions where subject_id = ${subjectId} group by 1 order by 1`.execute(db);
  const earnedBy = new Map(earned.map((row) => [row.period, Number(row.fen)]));
  for (const line of pointerLines) earnedBy.set(line.period, (earnedBy.get(line.period) ?? 0) + line.amountFen);
  const closedPeriods = new Set((await db.selectFrom('payout_runs').select('period').execute()).map((row) => row.period));

  const result: PeriodEarnings[] = closed.map((line) => ({
    period: line.period,
    status: 'CLOSED',
    broughtForwardFen: Number(line.brought_forward_fen),
    earnedFen: Number(line.earned_fen),
    accruedFen: Number(line.accrued_fen),
    paidFen: Number(line.paid_fen),
    carriedFen: Number(line.carried_fen),
  }));
  let carried = closed.length === 0 ? 0 : Number(closed[closed.length - 1]!.carried_fen);
  for (const [period, earnedFen] of [...earnedBy].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (closedPeriods.has(period)) continue;
    result.push({ period, status: 'OPEN', broughtForwardFen: carried, earnedFen, accruedFen: carried + earnedFen, paidFen: null, carriedFen: null });
    carried += earnedFen;
  }
  return result.sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
}

/** What a subject earned in one period, line by line (query, party, purpose, amount), newest first. */
export async function earningLines(
  db: DbOrTx,
  subjectId: string,
  period: Period,
  first: number,
  pointerLines: readonly SubjectShareLine[],
): Promise<EarningLine[]> {
  const { start, end } = periodBounds(period);
  const rows = await db
    .selectFrom('contributions')
    .select(['query_id', 'party_id', 'purpose', 'user_share_fen', 'created_at', 'reverses_query_id'])
    .where('subject_id', '=', subjectId)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .orderBy('created_at', 'desc')
    .orderBy('query_id', 'desc')
    .limit(first)
    .execute();
  const legacy: EarningLine[] = rows.map((row) => ({
    queryId: row.query_id,
    partyId: row.party_id,
    purpose: row.purpose,
    amountFen: Number(row.user_share_fen),
    at: row.created_at,
    reversesQueryId: row.reverses_query_id,
  }));
  const pointers: EarningLine[] = pointerLines
    .filter((line) => line.period === period)
    .map(({ queryId, partyId, purpose, amountFen, at, reversesQueryId }) => ({ queryId, partyId, purpose, amountFen, at, reversesQueryId }));
  return [...legacy, ...pointers]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.queryId < b.queryId ? 1 : a.queryId > b.queryId ? -1 : 0))
    .slice(0, first);
}
