import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { postJournal } from './journal.repository.ts';
import { LedgerError } from './ledger-error.ts';
import { allocatePeriod } from './period-allocation.ts';
import { isPeriod, periodBounds, type Period } from './periods.ts';
import { ACCOUNTS, type JournalLine } from './revenue-split.ts';

export const DEFAULT_PAYOUT_MINIMUM_FEN = 100;

export interface PayoutRunSummary {
  period: Period;
  runId: string;
  /** True when the period had already been closed: this call paid nothing. */
  alreadyClosed: boolean;
  minimumFen: number;
  subjects: number;
  earnedFen: number;
  broughtForwardFen: number;
  paidFen: number;
  carriedFen: number;
  statements: { platformId: string; subjects: number; totalFen: number }[];
}

/**
 * Closes a period and pays it, all in one transaction (so an interrupted run leaves nothing behind): each
 * subject's accruals — what they earned in the period plus what the last run carried forward — are paid
 * when they reach the minimum and carried forward otherwise; one statement per platform lists what its
 * users are paid; one journal moves the paid amounts from the platforms' users' pools to what the hub owes
 * each platform. The period row is locked exclusively first, so postings in flight finish before and none
 * land after, and a second or concurrent run finds the period closed and pays nothing twice.
 */
export async function runPayouts(db: Db, options: { period: Period; minimumFen?: number; now: Date }): Promise<PayoutRunSummary> {
  const { period, now } = options;
  const minimumFen = options.minimumFen ?? DEFAULT_PAYOUT_MINIMUM_FEN;
  if (!isPeriod(period)) throw new LedgerError('period.format', 'period must be YYYY-MM (a calendar month, UTC)');
  if (!Number.isSafeInteger(minimumFen) || minimumFen < 1)
    throw new LedgerError('payout.minimum', 'the payout minimum must be a whole number of fen, at least 1');
  const { start, end } = periodBounds(period);
  if (now < end) throw new LedgerError('period.not_ended', `period ${period} has not ended yet (it ends ${end.toISOString()})`);

  return db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_ledger');
    // The close is one batch transaction over every row the period's queries counted: enough memory for
    // its hashes and sorts to stay in memory, and no JIT (its compile time exceeds what it saves here).
    await sql`set local work_mem = '256MB'`.execute(tx);
    await sql`set local jit = off`.execute(tx);
    await tx
      .insertInto('ledger_periods')
      .values({ period, status: 'open', opened_at: now, closed_at: null })
      .onConflict((oc) => oc.column('period').doNothing())
      .execute();
    const state = await tx.selectFrom('ledger_periods').select('status').where('period', '=', period).forUpdate().executeTakeFirstOrThrow();
    if (state.status === 'closed') return { ...(await payoutSummary(tx, period))!, alreadyClosed: true };

    const earlier = await tx
      .selectFrom('ledger_periods')
      .select('period')
      .where('period', '<', period)
      .where('status', '=', 'open')
      .orderBy('period')
      .executeTakeFirst();
    if (earlier !== undefined) {
      throw new LedgerError('period.earlier_open', `period ${earlier.period} is still open; close it before ${period}`);
    }
    const previous = await tx.selectFrom('payout_runs').select('period').where('period', '<', period).orderBy('period', 'desc').executeTakeFirst();

    // The period's queries are split now: their pointers expanded in one pass, one allocation journal each.
    await allocatePeriod(tx, period, now);
    // Each subject's accruals: earned in the period (their shares, reversals included) plus carried in.
    await sql`drop table if exists payout_work`.execute(tx);
    await sql`
      create temp table payout_work on commit drop as
      with earned as (
        select subject_id, sum(fen)::bigint as fen from (
          -- Queries billed per subject before pointers, then the period's expanded pointers.
          select subject_id, user_share_fen as fen from contributions
          where created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz
          union all
          select subject_id, earned_fen from pointer_earned
        ) e group by subject_id
      ),
      brought as (
        select subject_id, carried_fen as fen from payout_lines
        where period = ${previous?.period ?? ''} and carried_fen <> 0
      ),
      accrued as (
        select coalesce(e.subject_id, b.subject_id) as subject_id, coalesce(e.fen, 0) as earned_fen, coalesce(b.fen, 0) as brought_forward_fen
        from earned e full join brought b on b.subject_id = e.subject_id
      )
      select a.subject_id, s.platform_id, a.earned_fen, a.brought_forward_fen,
        a.earned_fen + a.brought_forward_fen as accrued_fen,
        case when a.earned_fen + a.brought_forward_fen >= ${minimumFen} then a.earned_fen + a.brought_forward_fen else 0 end as paid_fen,
        case when a.earned_fen + a.brought_forward_fen >= ${minimumFen} then 0 else a.earned_fen + a.brought_forward_fen end as carried_fen
      from accrued a join subjects s on s.id = a.subject_id`.execute(tx);

    const { rows: platforms } = await sql<{
      platform_id: string;
      subjects: number;
      paid: string;
      earned: string;
      brought: string;
      carried: string;
      lines: number;
    }>`
      select platform_id, count(*) filter (where paid_fen > 0)::int as subjects, count(*)::int as lines,
        sum(paid_fen)::bigint as paid, sum(earned_fen)::bigint as earned, sum(brought_forward_fen)::bigint as brought, sum(carried_fen)::bigint as carried
      from payout_work group by platform_id order by platform_id`.execute(tx);

    const lines: JournalLine[] = [];
    for (const platform of platforms) {
      const paid = Number(platform.paid);
      if (paid === 0) continue;
      lines.push({ account: ACCOUNTS.usersPool(platform.platform_id), amountFen: -paid }, { account: ACCOUNTS.payable(platform.platform_id), amountFen: paid });
    }
    const journalId = lines.length === 0 ? null : await postJournal(tx, { kind: 'payout', period, memo: `payout run ${period}`, lines }, now);
    const total = (field: 'paid' | 'earned' | 'brought' | 'carried') => platforms.reduce((sum, p) => sum + Number(p[field]), 0);
    await tx
      .insertInto('payout_runs')
      .values({
        period,
        id: uuidv7(),
        minimum_fen: String(minimumFen),
        subjects: platforms.reduce((sum, p) => sum + p.lines, 0),
        earned_fen: String(total('earned')),
        brought_forward_fen: String(total('brought')),
        paid_fen: String(total('paid')),
        carried_fen: String(total('carried')),
        journal_id: journalId,
        created_at: now,
      })
      .execute();
    await sql`
      insert into payout_lines (period, subject_id, platform_id, earned_fen, brought_forward_fen, accrued_fen, paid_fen, carried_fen)
      select ${period}, subject_id, platform_id, earned_fen, brought_forward_fen, accrued_fen, paid_fen, carried_fen from payout_work`.execute(tx);
    if (platforms.length > 0) {
      await tx
        .insertInto('statements')
        .values(
          platforms.map((p) => ({
            period,
            platform_id: p.platform_id,
            subjects: p.subjects,
            total_fen: p.paid,
            issued_at: now,
          })),
        )
        .execute();
    }
    await tx.updateTable('ledger_periods').set({ status: 'closed', closed_at: now }).where('period', '=', period).execute();
    return { ...(await payoutSummary(tx, period))!, alreadyClosed: false };
  });
}

/** A closed period's run as stored; undefined when the period has not been run. */
export async function payoutSummary(db: DbOrTx, period: Period): Promise<Omit<PayoutRunSummary, 'alreadyClosed'> | undefined> {
  const run = await db.selectFrom('payout_runs').selectAll().where('period', '=', period).executeTakeFirst();
  if (run === undefined) return undefined;
  const statements = await db
    .selectFrom('statements')
    .select(['platform_id', 'subjects', 'total_fen'])
    .where('period', '=', period)
    .orderBy('platform_id')
    .execute();
  return {
    period,
    runId: run.id,
    minimumFen: Number(run.minimum_fen),
    subjects: run.subjects,
    earnedFen: Number(run.earned_fen),
    broughtForwardFen: Number(run.brought_forward_fen),
    paidFen: Number(run.paid_fen),
    carriedFen: Number(run.carried_fen),
    statements: statements.map((s) => ({ platformId: s.platform_id, subjects: s.subjects, totalFen: Number(s.total_fen) })),
  };
}
