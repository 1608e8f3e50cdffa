// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
import { type Kysely, sql } from 'kysely';

/**
 * The revenue-share ledger: a double-entry journal in integer fen, balances kept as its projection, the
 * users' sub-ledger (each contribution's share of a query's users' pool) and monthly payout runs with one
 * statement per platform. Journals, their lines, payout lines and statements are append-only (triggers
 * refuse updates and deletes); every journal must sum to zero when its transaction commits.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Amounts are signed: credits positive, debits negative, so a balanced journal sums to zero.
  await sql`
    create table ledger_periods (
      period text primary key check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      status text not null check (status in ('open', 'closed')),
      opened_at timestamptz not null,
      closed_at timestamptz
    )`.execute(db);
  await sql`
    create table journals (
      id uuid primary key,
      kind text not null check (kind in ('query', 'payout', 'reversal')),
      period text not null references ledger_periods (period),
      query_id uuid,
      reverses uuid references journals (id),
      memo text not null,
      created_at timestamptz not null
    )`.execute(db);
  // One charge per query, and a journal is reversed at most once.
  await sql`create unique index journals_query_idx on journals (query_id) where kind = 'query'`.execute(db);
  await sql`create unique index journals_reverses_idx on journals (reverses) where reverses is not null`.execute(db);
  await sql`create index journals_period_idx on journals (period)`.execute(db);
  await sql`
    create table journal_lines (
      journal_id uuid not null references journals (id),
      line smallint not null,
      account text not null,
      amount_fen bigint not null,
      primary key (journal_id, line)
    )`.execute(db);
  await sql`create index journal_lines_account_idx on journal_lines (account, journal_id)`.execute(db);
  await sql`
    create table account_balances (
      account text primary key,
      balance_fen bigint not null,
      updated_at timestamptz not null
    )`.execute(db);

  // The users' sub-ledger: each contribution carries the subject's share of its query's users' pool. A
  // reversal adds negated rows under the reversing journal's id, naming the query it corrects.
  await sql`alter table contributions add column user_share_fen bigint not null default 0`.execute(db);
  await sql`alter table contributions add column reverses_query_id uuid`.execute(db);
  // Payout runs read one month of an append-only table: a BRIN index costs almost nothing to keep.
  await sql`create index contributions_created_brin on contributions using brin (created_at)`.execute(db);

  await sql`
    create table payout_runs (
      period text primary key references ledger_periods (period),
      id uuid not null unique,
      minimum_fen bigint not null,
      subjects integer not null,
      earned_fen bigint not null,
      brought_forward_fen bigint not null,
      paid_fen bigint not null,
      carried_fen bigint not null,
      journal_id uuid references journals (id),
      created_at timestamptz not null
    )`.execute(db);
  await sql`
    create table payout_lines (
      period text not null references payout_runs (period),
      subject_id uuid not null,
      platform_id text not null,
      earned_fen bigint not null,
      brought_forward_fen bigint not null,
      accrued_fen bigint not null,
      paid_fen bigint not null,
      carried_fen bigint not null,
      primary key (period, subject_id),
      check (accrued_fen = earned_fen + brought_forward_fen),
      check (paid_fen + carried_fen = accrued_fen),
      check (paid_fen >= 0)
    )`.execute(db);
  await sql`create index payout_lines_platform_idx on payout_lines (period, platform_id)`.execute(db);
  await sql`
    create table statements (
      period text not null references payout_runs (period),
      platform_id text not null,
      subjects integer not null,
      total_fen bigint not null,
      issued_at timestamptz not null,
      primary key (period, platform_id)
    )`.execute(db);
  await sql`
    create table statement_confirmations (
      period text not null,
      platform_id text not null,
      reference text,
      confirmed_at timestamptz not null,
      primary key (period, platform_id),
      foreign key (period, platform_id) references statements (period, platform_id)
    )`.execute(db);

  await sql`
    create function ledger_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'ledger table % is append-only', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  for (const table of ['journals', 'journal_lines', 'payout_runs', 'payout_lines', 'statements', 'statement_confirmations']) {
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.raw(table)}
      for each statement execute function ledger_append_only()`.execute(db);
  }
  // Checked at commit, after every line of the journal is in.
  await sql`
    create function journal_balanced() returns trigger language plpgsql as $$
    declare
      total numeric;
    begin
      select coalesce(sum(amount_fen), 0) into total from journal_lines where journal_id = new.journal_id;
      if total <> 0 then
        raise exception 'journal % does not balance: its lines sum to % fen', new.journal_id, total using errcode = '23514';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger journal_lines_balanced after insert on journal_lines
    deferrable initially deferred for each row execute function journal_balanced()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'statement_confirmations',
    'statements',
    'payout_lines',
    'payout_runs',
    'account_balances',
    'journal_lines',
    'journals',
    'ledger_periods',
  ]) {
    await sql`drop table if exists ${sql.raw(table)}`.execute(db);
  }
  await sql`drop function if exists journal_balanced()`.execute(db);
  await sql`drop function if exists ledger_append_only()`.execute(db);
  await sql`drop index if exists contributions_created_brin`.execute(db);
  await sql`alter table contributions drop column if exists reverses_query_id`.execute(db);
  await sql`alter table contributions drop column if exists user_share_fen`.execute(db);
}
