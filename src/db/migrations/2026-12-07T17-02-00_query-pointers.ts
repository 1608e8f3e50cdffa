// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Who a query counted, as a pointer (issue 13, item 3). A billed query writes one row — what it asked, the
// groups it released, the consent ledger's position and the instant it ran at, its price — instead of one
// contribution per subject. The payout close expands the period's pointers in one set-based pass.
//
// The consent ledger gets a global, gap-free position: `hub_consent_position_next()` moves a single-row
// counter in hub_settings under its row lock, held until the consent's transaction commits, so positions
// commit in order and every snapshot sees a prefix of them. Membership at a query is then well defined:
// the latest event per (subject, purpose) at or below the query's position.
import { type Kysely, sql } from 'kysely';

const PARTY = `nullif(current_setting('hub.party_id', true), '')`;
const isOperator = `exists (select from parties p where p.id = ${PARTY} and p.role = 'operator' and p.disabled_at is null)`;

export async function up(db: Kysely<any>): Promise<void> {
  // Existing events are numbered in a deterministic order: by time, then subject, then the subject's own seq.
  await sql`alter table consent_events add column position bigint`.execute(db);
  await sql`
    update consent_events e set position = n.position
    from (select subject_id, seq, row_number() over (order by created_at, subject_id, seq) as position from consent_events) n
    where n.subject_id = e.subject_id and n.seq = e.seq`.execute(db);
  await sql`alter table consent_events alter column position set not null`.execute(db);
  await sql`create unique index consent_events_position_idx on consent_events (position)`.execute(db);
  // The expansion reads one purpose's events up to a position, per subject.
  await sql`create index consent_events_purpose_idx on consent_events (purpose, subject_id, position)`.execute(db);
  await sql`insert into hub_settings (key, value) select 'consent_ledger_head', coalesce(max(position), 0)::text from consent_events`.execute(db);

  // Security definer: no serving role reads hub_settings. The head is a count of consent events across all
  // subjects, no subject's own row; a user sees only the positions of their own events.
  await sql`
    create function hub_consent_position_next() returns bigint
    language sql volatile security definer set search_path from current as $$
      update hub_settings set value = (value::bigint + 1)::text where key = 'consent_ledger_head' returning value::bigint
    $$`.execute(db);
  await sql`
    create function hub_consent_position() returns bigint
    language sql stable security definer set search_path from current as $$
      select value::bigint from hub_settings where key = 'consent_ledger_head'
    $$`.execute(db);
  await sql`revoke all on function hub_consent_position_next(), hub_consent_position() from public`.execute(db);
  await sql`grant execute on function hub_consent_position_next() to hub_app`.execute(db);
  await sql`grant execute on function hub_consent_position() to hub_analytics, hub_ledger`.execute(db);

  await sql`
    create table query_pointers (
      query_id uuid primary key,
      party_id text not null,
      purpose text not null,
      policy_version integer not null,
      period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      at timestamptz not null,
      consent_position bigint not null,
      group_by text[] not null,
      filters jsonb not null,
      measures text[] not null,
      released_keys text[] not null,
      remainder_released boolean not null,
      records_per_subject integer check (records_per_subject >= 1),
      uses_inspection boolean not null,
      uses_disposition boolean not null,
      uses_catalogue boolean not null,
      price_per_subject_fen bigint not null,
      billed_subjects integer not null,
      price_fen bigint not null,
      users_bp integer not null,
      parties_bp integer not null,
      hub_bp integer not null,
      journal_id uuid not null
    )`.execute(db);
  await sql`create index query_pointers_period_idx on query_pointers (period)`.execute(db);

  // A query's split once expanded (at the payout close of the period it was billed in, and again, negated,
  // at the close of the period a reversal of it was posted in): one row per allocation journal.
  await sql`
    create table query_allocations (
      journal_id uuid primary key,
      query_id uuid not null references query_pointers (query_id),
      period text not null,
      sign smallint not null check (sign in (-1, 1)),
      subjects integer not null,
      users_pool_fen bigint not null,
      base_fen bigint not null,
      extra_fen bigint not null,
      cutoff_md5 text,
      cutoff_subject uuid,
      created_at timestamptz not null,
      unique (query_id, sign)
    )`.execute(db);
  await sql`create index query_allocations_period_idx on query_allocations (period)`.execute(db);

  // A query's split is posted at the close, as an allocation journal out of the pending account.
  await sql`alter table journals drop constraint journals_kind_check`.execute(db);
  await sql`alter table journals add constraint journals_kind_check check (kind in ('query', 'payout', 'reversal', 'allocation'))`.execute(db);

  await sql`grant select, insert on query_pointers to hub_analytics`.execute(db);
  await sql`grant select, insert on query_pointers, query_allocations to hub_ledger`.execute(db);
  await sql`grant select on query_pointers to hub_app`.execute(db);
  // The expansion reads membership and data at each query's instant, across subjects.
  await sql`grant select on consent_events to hub_analytics, hub_ledger`.execute(db);
  await sql`grant select on records, record_subjects, inspections, dispositions, catalogue_models to hub_ledger`.execute(db);
  for (const table of ['query_pointers', 'query_allocations']) await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  const policies: [name: string, table: string, role: string, command: string, rows: string][] = [
    ['query_pointers_analytics', 'query_pointers', 'hub_analytics', 'all', `party_id = ${PARTY}`],
    ['query_pointers_ledger', 'query_pointers', 'hub_ledger', 'all', 'true'],
    // A party reads what its own queries asked; the operator every query.
    ['query_pointers_own', 'query_pointers', 'hub_app', 'select', `party_id = ${PARTY} or ${isOperator}`],
    ['query_allocations_ledger', 'query_allocations', 'hub_ledger', 'all', 'true'],
    ['consent_events_analytics', 'consent_events', 'hub_analytics', 'select', 'true'],
    ['consent_events_ledger', 'consent_events', 'hub_ledger', 'select', 'true'],
    ['records_ledger', 'records', 'hub_ledger', 'select', 'true'],
    ['record_subjects_ledger', 'record_subjects', 'hub_ledger', 'select', 'true'],
    ['inspections_ledger', 'inspections', 'hub_ledger', 'select', 'true'],
    ['dispositions_ledger', 'dispositions', 'hub_ledger', 'select', 'true'],
    ['catalogue_ledger', 'catalogue_models', 'hub_ledger', 'select', 'true'],
  ];
  for (const [name, table, role, command, rows] of policies) {
    const using = sql`using (${sql.raw(rows)})`;
    const check = command === 'select' ? sql`` : sql`with check (${sql.raw(rows)})`;
    await sql`create policy ${sql.raw(name)} on ${sql.table(table)} for ${sql.raw(command)} to ${sql.raw(role)} ${using} ${check}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, table] of [
    ['consent_events_analytics', 'consent_events'],
    ['consent_events_ledger', 'consent_events'],
    ['records_ledger', 'records'],
    ['record_subjects_ledger', 'record_subjects'],
    ['inspections_ledger', 'inspections'],
    ['dispositions_ledger', 'dispositions'],
    ['catalogue_ledger', 'catalogue_models'],
  ] as const)
    await sql`drop policy if exists ${sql.raw(name)} on ${sql.table(table)}`.execute(db);
  await sql`revoke select on consent_events from hub_analytics, hub_ledger`.execute(db);
  await sql`revoke select on records, record_subjects, inspections, dispositions, catalogue_models from hub_ledger`.execute(db);
  await sql`drop table if exists query_allocations`.execute(db);
  await sql`drop table if exists query_pointers`.execute(db);
  await sql`alter table journals drop constraint journals_kind_check`.execute(db);
  await sql`alter table journals add constraint journals_kind_check check (kind in ('query', 'payout', 'reversal'))`.execute(db);
  await sql`drop function if exists hub_consent_position_next()`.execute(db);
  await sql`drop function if exists hub_consent_position()`.execute(db);
  await sql`delete from hub_settings where key = 'consent_ledger_head'`.execute(db);
  await sql`drop index if exists consent_events_purpose_idx`.execute(db);
  await sql`drop index if exists consent_events_position_idx`.execute(db);
  await sql`alter table consent_events drop column position`.execute(db);
}
