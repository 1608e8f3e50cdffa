import { sql } from 'kysely';
import { actAs } from '../db/act-as.ts';
import type { Db, DbOrTx } from '../db/database.ts';

export interface LedgerCheck {
  name: string;
  ok: boolean;
  /** What was found wrong (first few offenders), or what was checked. */
  detail: string;
}

type Probe = { name: string; detail: string; offenders: (db: DbOrTx) => Promise<unknown[]> };

const rows = async (db: DbOrTx, query: ReturnType<typeof sql>) => (await query.execute(db)).rows;

/** Each invariant is a query for its offenders: an empty answer means it holds. */
const PROBES: readonly Probe[] = [
  {
    name: 'every journal sums to zero',
    detail: 'sum of lines per journal',
    offenders: (db) =>
      rows(db, sql`select journal_id, sum(amount_fen)::text as total from journal_lines group by journal_id having sum(amount_fen) <> 0 limit 5`),
  },
  {
    name: 'all balances sum to zero',
    detail: 'sum of account_balances',
    offenders: (db) => rows(db, sql`select sum(balance_fen)::text as total from account_balances having coalesce(sum(balance_fen), 0) <> 0`),
  },
  {
    name: 'balances rebuilt from the journal equal the stored balances',
    detail: 'sum of lines per account vs account_balances',
    offenders: (db) =>
      rows(
        db,
        sql`
      select coalesce(j.account, b.account) as account, j.total::text as journal, b.balance_fen::text as stored
      from (select account, sum(amount_fen) as total from journal_lines group by account) j
      full join account_balances b on b.account = j.account
      where coalesce(j.total, 0) <> coalesce(b.balance_fen, 0) limit 5`,
      ),
  },
  {
    name: "users' shares add up to each query's users' pool lines",
    detail: 'contributions per query vs users:* lines of its journal',
    offenders: (db) =>
      rows(
        db,
        sql`
      with pools as (
        select coalesce(j.query_id, j.id) as query_id, sum(l.amount_fen) as pool
        from journals j join journal_lines l on l.journal_id = j.id
        where j.kind in ('query', 'reversal') and l.account like 'users:%'
          -- A reversal that took back a pointer query's split is checked against its allocation below.
          and not exists (select from query_allocations a where a.journal_id = j.id)
        group by 1
      ),
      shares as (select query_id, sum(user_share_fen) as shares from contributions group by query_id)
      select coalesce(p.query_id, s.query_id) as query_id, p.pool::text, s.shares::text
      from pools p full join shares s on s.query_id = p.query_id
      where coalesce(p.pool, 0) <> coalesce(s.shares, 0) limit 5`,
      ),
  },
  {
    name: "no user's share differs from the exact equal share by 1 fen or more",
    detail: 'max − min share per query ≤ 1 fen (the exact share lies between them)',
    offenders: (db) =>
      rows(
        db,
        sql`
      select query_id, min(user_share_fen)::text as min, max(user_share_fen)::text as max from contributions
      where reverses_query_id is null group by query_id having max(user_share_fen) - min(user_share_fen) > 1 limit 5`,
      ),
  },
  {
    name: 'paid + carried = accrued for every subject and period',
    detail: 'payout_lines',
    offenders: (db) =>
      rows(
        db,
        sql`
      select period, subject_id from payout_lines
      where paid_fen + carried_fen <> accrued_fen or accrued_fen <> earned_fen + brought_forward_fen or paid_fen < 0 limit 5`,
      ),
  },
  {
    name: "each run's earnings equal its period's contributions and allocated users' pools",
    detail: 'sum of payout_lines.earned_fen per period vs contributions by month + query_allocations (sign × users pool)',
    offenders: (db) =>
      rows(
        db,
        sql`
      with earned as (
        select period, sum(fen) as fen from (
          select to_char(c.created_at at time zone 'UTC', 'YYYY-MM') as period, c.user_share_fen as fen from contributions c
          union all
          select a.period, a.sign * a.users_pool_fen from query_allocations a
        ) e group by period
      ),
      paid as (select period, sum(earned_fen) as fen from payout_lines group by period)
      select r.period, p.fen::text as lines, e.fen::text as earned
      from payout_runs r left join paid p on p.period = r.period left join earned e on e.period = r.period
      where coalesce(p.fen, 0) <> coalesce(e.fen, 0) limit 5`,
      ),
  },
  {
    name: "each allocation's users' pool lines equal its stored split, and the split is exact",
    detail: 'users:* lines of allocation journals vs query_allocations; base × subjects + extra = pool, extra < subjects',
    offenders: (db) =>
      rows(
        db,
        sql`
      select a.journal_id, a.users_pool_fen::text as pool, l.fen::text as lines from query_allocations a
      left join (
        select l.journal_id, sum(l.amount_fen) as fen from journal_lines l where l.account like 'users:%' group by l.journal_id
      ) l on l.journal_id = a.journal_id
      where coalesce(l.fen, 0) <> a.sign * a.users_pool_fen
         or a.base_fen * a.subjects + a.extra_fen <> a.users_pool_fen or (a.subjects > 0 and a.extra_fen >= a.subjects)
      limit 5`,
      ),
  },
  {
    name: 'closed periods owe nothing pending: every query billed in them was allocated',
    detail: 'pending:queries lines per closed period; pointers without their allocation',
    offenders: (db) =>
      rows(
        db,
        sql`
      select j.period, sum(l.amount_fen)::text as pending from journals j join journal_lines l on l.journal_id = j.id
      join ledger_periods lp on lp.period = j.period and lp.status = 'closed'
      where l.account = 'pending:queries' group by j.period having sum(l.amount_fen) <> 0
      union all
      select p.period, p.query_id::text from query_pointers p join ledger_periods lp on lp.period = p.period and lp.status = 'closed'
      where not exists (select from query_allocations a where a.query_id = p.query_id and a.sign = 1)
      limit 5`,
      ),
  },
  {
    name: 'what a run brings forward is what the run before carried',
    detail: 'payout_lines.brought_forward_fen vs the previous run',
    offenders: (db) =>
      rows(
        db,
        sql`
      with runs as (select period, lag(period) over (order by period) as previous from payout_runs),
      brought as (select p.period, p.subject_id, p.brought_forward_fen as fen from payout_lines p where p.brought_forward_fen <> 0),
      carried as (select r.period, p.subject_id, p.carried_fen as fen from runs r join payout_lines p on p.period = r.previous where p.carried_fen <> 0)
      select coalesce(b.period, c.period) as period, coalesce(b.subject_id, c.subject_id) as subject_id
      from brought b full join carried c on c.period = b.period and c.subject_id = b.subject_id
      where coalesce(b.fen, 0) <> coalesce(c.fen, 0) limit 5`,
      ),
  },
  {
    name: 'statements add up to what each run paid, and to its journal',
    detail: 'statements vs payout_lines vs payout journal lines',
    offenders: (db) =>
      rows(
        db,
        sql`
      with paid as (select period, platform_id, sum(paid_fen) as fen from payout_lines group by 1, 2 having sum(paid_fen) <> 0),
      journal as (
        select j.period, substr(l.account, length('payable:') + 1) as platform_id, sum(l.amount_fen) as fen
        from journals j join journal_lines l on l.journal_id = j.id where j.kind = 'payout' and l.account like 'payable:%' group by 1, 2
      ),
      stated as (select period, platform_id, total_fen as fen from statements where total_fen <> 0)
      select coalesce(p.period, s.period, j.period) as period, coalesce(p.platform_id, s.platform_id, j.platform_id) as platform_id
      from paid p full join stated s on s.period = p.period and s.platform_id = p.platform_id
      full join journal j on j.period = coalesce(p.period, s.period) and j.platform_id = coalesce(p.platform_id, s.platform_id)
      where coalesce(p.fen, -1) <> coalesce(s.fen, -2) or coalesce(p.fen, -1) <> coalesce(j.fen, -3) limit 5`,
      ),
  },
  {
    name: 'closed periods have exactly their payout run, and nothing was posted after they closed',
    detail: 'ledger_periods vs payout_runs vs journals',
    offenders: (db) =>
      rows(
        db,
        sql`
      select lp.period, lp.status from ledger_periods lp left join payout_runs r on r.period = lp.period
      where (lp.status = 'closed') <> (r.period is not null)
         or exists (select 1 from journals j where j.period = lp.period and lp.closed_at is not null and j.created_at > lp.closed_at)
      limit 5`,
      ),
  },
];

/**
 * Checks every invariant of the revenue-share ledger on a live database, read-only, in one repeatable-read
 * snapshot so postings in flight cannot make a clean ledger look broken.
 */
export async function verifyLedger(db: Db): Promise<{ ok: boolean; checks: LedgerCheck[]; counts: Record<string, number> }> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      await actAs(tx, 'hub_ledger');
      const checks: LedgerCheck[] = [];
      for (const probe of PROBES) {
        const found = await probe.offenders(tx);
        checks.push({ name: probe.name, ok: found.length === 0, detail: found.length === 0 ? probe.detail : JSON.stringify(found) });
      }
      const {
        rows: [count],
      } = await sql<Record<string, number>>`
      select (select count(*) from journals)::int as journals, (select count(*) from journal_lines)::int as lines,
        (select count(*) from contributions)::int as contributions, (select count(*) from query_pointers)::int as query_pointers,
        (select count(*) from payout_runs)::int as payout_runs`.execute(tx);
      return { ok: checks.every((check) => check.ok), checks, counts: count! };
    });
}
