// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Row-level security in effect: the hub serves through roles that own nothing and are not superusers.
// The connection user (the tables' owner) runs migrations and start-up, then hands out every connection
// as one of these roles (`set_config('role', …)`), naming the caller for the policies:
//   hub.party_id     the calling party          hub.subject_id / hub.platform_id   a user token's subject
// - hub_app        serves requests: a party's own rows, a user's own subject rows;
// - hub_analytics  an allowed aggregate: reads the analytic tables across parties, bills the query;
// - hub_ledger     payout runs, reversals and ledger verification;
// - hub_audit      reads the hash chains to verify them;
// - hub_admin      registers parties and keys.
// Work that must cross parties without any of these (resolving a platform's order reference, custody
// membership, appending to the access log's chain) goes through SECURITY DEFINER functions below.
//
// Roles are cluster-wide while tables live per schema (tests run one schema each, concurrently): roles are
// created once, tolerating a concurrent creator, and every grant and policy names this schema's tables.
// A user that may not create roles needs an administrator to create them (NOLOGIN) and grant them to it
// first; otherwise this migration fails and says so — the hub does not fall back to serving as the owner.
import { type Kysely, sql } from 'kysely';

const ROLES = ['hub_app', 'hub_analytics', 'hub_ledger', 'hub_audit', 'hub_admin'] as const;

const PARTY = `nullif(current_setting('hub.party_id', true), '')`;
const SUBJECT = `nullif(current_setting('hub.subject_id', true), '')::uuid`;
const PLATFORM = `nullif(current_setting('hub.platform_id', true), '')`;
const partyIs = (...roles: string[]) =>
  `exists (select from parties p where p.id = ${PARTY} and p.role in (${roles.map((r) => `'${r}'`).join(', ')}) and p.disabled_at is null)`;

type Command = 'select' | 'insert' | 'update' | 'all';

/** One policy: the role it applies to, the command, and its row condition (USING and WITH CHECK). */
interface Policy {
  name: string;
  table: string;
  role: (typeof ROLES)[number];
  command: Command;
  rows: string;
}

/** Privileges each role holds; what rows they reach is the policies' business. */
const GRANTS: readonly (readonly [role: (typeof ROLES)[number], privileges: string, tables: readonly string[]])[] = [
  [
    'hub_app',
    'select',
    ['parties', 'party_keys', 'ledger_periods', 'payout_runs', 'access_log', 'contributions', 'payout_lines', 'statements', 'journals', 'journal_lines'],
  ],
  ['hub_app', 'select, insert, update', ['subjects', 'consents']],
  ['hub_app', 'select, insert', ['record_subjects', 'consent_events', 'statement_confirmations', 'access_log']],
  ['hub_analytics', 'select', ['parties', 'records', 'tickets', 'inspections', 'dispositions', 'catalogue_models', 'consents', 'record_subjects']],
  ['hub_analytics', 'select, insert, update', ['dp_budget', 'account_balances']],
  // UPDATE on ledger_periods for the share lock that holds a period open while a query posts to it.
  ['hub_analytics', 'select, insert, update', ['ledger_periods']],
  ['hub_analytics', 'insert', ['contributions', 'access_log']],
  ['hub_analytics', 'select, insert', ['journals', 'journal_lines']],
  ['hub_ledger', 'select', ['parties', 'subjects', 'statement_confirmations']],
  ['hub_ledger', 'select, insert', ['contributions', 'journals', 'journal_lines', 'payout_runs', 'payout_lines', 'statements']],
  ['hub_ledger', 'select, insert, update', ['ledger_periods', 'account_balances']],
  ['hub_audit', 'select', ['access_log', 'consent_events', 'consents']],
  ['hub_admin', 'select, insert, update', ['parties', 'party_keys']],
];

const everyone = 'true';

const POLICIES: readonly Policy[] = [
  // The subject vault: a platform's own subjects; a user's own subject (created on a first consent).
  {
    name: 'subjects_own',
    table: 'subjects',
    role: 'hub_app',
    command: 'all',
    rows: `platform_id = ${PARTY} or (id = ${SUBJECT} and platform_id = ${PLATFORM})`,
  },
  // The operator fetches any platform's payout statement, whose lines name the subjects' pseudonyms.
  { name: 'subjects_operator', table: 'subjects', role: 'hub_app', command: 'select', rows: partyIs('operator') },
  { name: 'subjects_ledger', table: 'subjects', role: 'hub_ledger', command: 'select', rows: everyone },
  { name: 'record_subjects_own', table: 'record_subjects', role: 'hub_app', command: 'all', rows: `platform_id = ${PARTY} or subject_id = ${SUBJECT}` },
  { name: 'record_subjects_analytics', table: 'record_subjects', role: 'hub_analytics', command: 'select', rows: everyone },
  // What the hub holds about a user, for the user: the records linked to their subject.
  {
    name: 'records_subject',
    table: 'records',
    role: 'hub_app',
    command: 'select',
    rows: `exists (select from record_subjects rs where rs.record_id = records.id and rs.subject_id = ${SUBJECT})`,
  },
  {
    name: 'inspections_subject',
    table: 'inspections',
    role: 'hub_app',
    command: 'select',
    rows: `exists (select from record_subjects rs where rs.record_id = inspections.record_id and rs.subject_id = ${SUBJECT})`,
  },
  {
    name: 'dispositions_subject',
    table: 'dispositions',
    role: 'hub_app',
    command: 'select',
    rows: `exists (select from record_subjects rs where rs.record_id = dispositions.record_id and rs.subject_id = ${SUBJECT})`,
  },
  // Consent: the user's own ledger and projection; verification reads them all.
  { name: 'consent_events_own', table: 'consent_events', role: 'hub_app', command: 'all', rows: `subject_id = ${SUBJECT}` },
  { name: 'consent_events_audit', table: 'consent_events', role: 'hub_audit', command: 'select', rows: everyone },
  { name: 'consents_own', table: 'consents', role: 'hub_app', command: 'all', rows: `subject_id = ${SUBJECT}` },
  { name: 'consents_analytics', table: 'consents', role: 'hub_analytics', command: 'select', rows: everyone },
  { name: 'consents_audit', table: 'consents', role: 'hub_audit', command: 'select', rows: everyone },
  // Contributions: who counted a user, for that user; what a party's queries counted, for that party.
  {
    name: 'contributions_own',
    table: 'contributions',
    role: 'hub_app',
    command: 'select',
    rows: `subject_id = ${SUBJECT} or party_id = ${PARTY} or ${partyIs('operator')}`,
  },
  { name: 'contributions_analytics', table: 'contributions', role: 'hub_analytics', command: 'insert', rows: `party_id = ${PARTY}` },
  { name: 'contributions_ledger', table: 'contributions', role: 'hub_ledger', command: 'all', rows: everyone },
  // The access log: a party's own decisions; regulators and the operator read it all. Appends go through
  // hub_access_log_tail() and hub_access_log_advance(), which serialise the chain.
  { name: 'access_log_read', table: 'access_log', role: 'hub_app', command: 'select', rows: `party_id = ${PARTY} or ${partyIs('regulator', 'operator')}` },
  { name: 'access_log_append', table: 'access_log', role: 'hub_app', command: 'insert', rows: `party_id is not distinct from ${PARTY}` },
  { name: 'access_log_append_analytics', table: 'access_log', role: 'hub_analytics', command: 'insert', rows: `party_id is not distinct from ${PARTY}` },
  { name: 'access_log_audit', table: 'access_log', role: 'hub_audit', command: 'select', rows: everyone },
  // An allowed aggregate reads every analytic row; the consent join inside the query narrows it.
  { name: 'records_analytics', table: 'records', role: 'hub_analytics', command: 'select', rows: everyone },
  { name: 'tickets_analytics', table: 'tickets', role: 'hub_analytics', command: 'select', rows: everyone },
  { name: 'inspections_analytics', table: 'inspections', role: 'hub_analytics', command: 'select', rows: everyone },
  { name: 'dispositions_analytics', table: 'dispositions', role: 'hub_analytics', command: 'select', rows: everyone },
  { name: 'catalogue_analytics', table: 'catalogue_models', role: 'hub_analytics', command: 'select', rows: everyone },
  { name: 'dp_budget_analytics', table: 'dp_budget', role: 'hub_analytics', command: 'all', rows: `party_id = ${PARTY}` },
  // The ledger's journal and balances: the hub's books, posted by a billed query or a payout run. A party
  // reads the lines of its own accounts (and the journals they belong to); the operator and regulators all.
  {
    name: 'journal_lines_own',
    table: 'journal_lines',
    role: 'hub_app',
    command: 'select',
    rows: `account in ('party:' || ${PARTY}, 'users:' || ${PARTY}, 'payable:' || ${PARTY}) or ${partyIs('operator', 'regulator')}`,
  },
  {
    name: 'journals_own',
    table: 'journals',
    role: 'hub_app',
    command: 'select',
    rows: `exists (select from journal_lines l where l.journal_id = journals.id) or ${partyIs('operator', 'regulator')}`,
  },
  { name: 'journals_analytics', table: 'journals', role: 'hub_analytics', command: 'all', rows: `kind = 'query'` },
  { name: 'journals_ledger', table: 'journals', role: 'hub_ledger', command: 'all', rows: everyone },
  { name: 'journal_lines_analytics', table: 'journal_lines', role: 'hub_analytics', command: 'all', rows: everyone },
  { name: 'journal_lines_ledger', table: 'journal_lines', role: 'hub_ledger', command: 'all', rows: everyone },
  { name: 'account_balances_analytics', table: 'account_balances', role: 'hub_analytics', command: 'all', rows: everyone },
  { name: 'account_balances_ledger', table: 'account_balances', role: 'hub_ledger', command: 'all', rows: everyone },
  // Payouts: a user's own lines, a platform's own lines and statements; the operator reads every one.
  {
    name: 'payout_lines_own',
    table: 'payout_lines',
    role: 'hub_app',
    command: 'select',
    rows: `subject_id = ${SUBJECT} or platform_id = ${PARTY} or ${partyIs('operator')}`,
  },
  { name: 'payout_lines_ledger', table: 'payout_lines', role: 'hub_ledger', command: 'all', rows: everyone },
  { name: 'statements_own', table: 'statements', role: 'hub_app', command: 'select', rows: `platform_id = ${PARTY} or ${partyIs('operator')}` },
  { name: 'statements_ledger', table: 'statements', role: 'hub_ledger', command: 'all', rows: everyone },
  {
    name: 'statement_confirmations_own',
    table: 'statement_confirmations',
    role: 'hub_app',
    command: 'all',
    rows: `platform_id = ${PARTY} or ${partyIs('operator')}`,
  },
  { name: 'statement_confirmations_ledger', table: 'statement_confirmations', role: 'hub_ledger', command: 'select', rows: everyone },
];

const FUNCTIONS = ['hub_access_log_tail()', 'hub_access_log_advance(bigint)', 'hub_tradein_tickets(text, bytea[])', 'hub_custody_member(uuid)'];

/** Tables this migration turns row-level security on for (the earlier one did the rest). */
const NEWLY_SECURED = [
  'subjects',
  'record_subjects',
  'consent_events',
  'consents',
  'contributions',
  'access_log',
  'journals',
  'journal_lines',
  'account_balances',
  'payout_lines',
  'statements',
  'statement_confirmations',
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const role of ROLES) {
    await sql`
      do $$
      begin
        if not exists (select from pg_roles where rolname = ${sql.lit(role)}) then
          create role ${sql.raw(role)} nologin nosuperuser nocreatedb nocreaterole nobypassrls;
        end if;
      exception
        -- Another schema's migration created it between the check and the create.
        when duplicate_object or unique_violation then null;
        when insufficient_privilege then
          raise exception 'role % must exist: an administrator creates it (NOLOGIN) and grants it to %', ${sql.lit(role)}, current_user;
      end $$`.execute(db);
    // The connection user switches to the role on every connection: a superuser may; anyone else must be a member.
    await sql`
      do $$
      begin
        if not pg_has_role(current_user, ${sql.lit(role)}, 'member') then
          execute format('grant %I to %I', ${sql.lit(role)}, current_user);
        end if;
      exception when insufficient_privilege then
        raise exception 'role % must be granted to %', ${sql.lit(role)}, current_user;
      end $$`.execute(db);
    await sql`
      do $$
      begin
        execute format('grant usage on schema %I to %I', current_schema(), ${sql.lit(role)});
      exception
        -- Not this user's schema to grant on (PostgreSQL's own public schema): USAGE there comes with PUBLIC.
        when insufficient_privilege then null;
      end $$`.execute(db);
  }

  for (const [role, privileges, tables] of GRANTS) {
    await sql`grant ${sql.raw(privileges)} on ${sql.join(tables.map((t) => sql.table(t)))} to ${sql.raw(role)}`.execute(db);
  }
  for (const table of NEWLY_SECURED) await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  for (const policy of POLICIES) {
    const using = policy.command === 'insert' ? sql`` : sql`using (${sql.raw(policy.rows)})`;
    const check = policy.command === 'select' ? sql`` : sql`with check (${sql.raw(policy.rows)})`;
    await sql`
      create policy ${sql.raw(policy.name)} on ${sql.table(policy.table)} for ${sql.raw(policy.command)} to ${sql.raw(policy.role)}
      ${using} ${check}`.execute(db);
  }

  // The access log's chain head, locked for the appending transaction: its sequence number and the hash of
  // the last entry. Every appender sees the whole chain's tail, not only its own party's entries.
  await sql`
    create function hub_access_log_tail(out seq bigint, out hash bytea)
    language plpgsql volatile security definer set search_path from current as $$
    begin
      select value::bigint into seq from hub_settings where key = 'access_log_head' for update;
      -- A second statement, so a fresh snapshot: after waiting for the lock, the entry the previous holder
      -- appended is visible (one statement would read the tail hash in the snapshot taken before the wait).
      select a.hash into hash from access_log a where a.seq = hub_access_log_tail.seq;
    end $$`.execute(db);
  // Moves the head to the entry just appended; only ever by one.
  await sql`
    create function hub_access_log_advance(next_seq bigint) returns void
    language plpgsql security definer set search_path from current as $$
    begin
      update hub_settings set value = next_seq::text where key = 'access_log_head' and value::bigint = next_seq - 1;
      if not found or not exists (select from access_log where seq = next_seq) then
        raise exception 'access log head must advance by one appended entry' using errcode = '23514';
      end if;
    end $$`.execute(db);
  // A party names a trade-in by the platform's own order reference, which the hub resolves to the ticket by
  // its keyed hash (a platform's submissions are its own rows). Custody decides afterwards whether the
  // caller may do anything with the ticket; the resolution itself answers only registered, active parties.
  await sql`
    create function hub_tradein_tickets(platform text, keys bytea[]) returns table (key_hash bytea, ticket_id uuid)
    language sql stable security definer set search_path from current as $$
      select s.key_hash, s.ticket_id from submissions s
      where s.party_id = platform and s.kind = 'tradein' and s.key_hash = any(keys)
        and exists (select from parties p where p.id = nullif(current_setting('hub.party_id', true), '') and p.disabled_at is null)
    $$`.execute(db);
  // Whether the calling party is in a ticket's custody chain (held it, or handed it on). Security definer so
  // the policies on tickets and ticket_custody can both ask it without reading each other (a policy that
  // reads a table whose policy reads it back is infinite recursion).
  await sql`
    create function hub_custody_member(ticket uuid) returns boolean
    language sql stable security definer set search_path from current as $$
      select exists (
        select from ticket_custody c
        where c.ticket_id = ticket
          and nullif(current_setting('hub.party_id', true), '') in (c.holder_id, c.from_party_id)
      )
    $$`.execute(db);
  // A holder reads the ticket it holds (its record id); a chain's members read the whole chain.
  await sql`drop policy if exists ticket_custody_read on ticket_custody`.execute(db);
  await sql`create policy ticket_custody_read on ticket_custody for select to hub_app using (hub_custody_member(ticket_id))`.execute(db);
  await sql`create policy tickets_custody on tickets for select to hub_app using (hub_custody_member(id))`.execute(db);
  for (const fn of FUNCTIONS) {
    await sql`revoke all on function ${sql.raw(fn)} from public`.execute(db);
  }
  await sql`grant execute on function hub_access_log_tail(), hub_access_log_advance(bigint) to hub_app, hub_analytics`.execute(db);
  await sql`grant execute on function hub_tradein_tickets(text, bytea[]), hub_custody_member(uuid) to hub_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop policy if exists tickets_custody on tickets`.execute(db);
  // The custody migration's own read policy comes back with its own down, or not at all.
  await sql`drop policy if exists ticket_custody_read on ticket_custody`.execute(db);
  for (const fn of FUNCTIONS) {
    await sql`drop function if exists ${sql.raw(fn)}`.execute(db);
  }
  for (const policy of POLICIES) await sql`drop policy if exists ${sql.raw(policy.name)} on ${sql.table(policy.table)}`.execute(db);
  for (const table of NEWLY_SECURED) await sql`alter table ${sql.table(table)} disable row level security`.execute(db);
  for (const [role, privileges, tables] of GRANTS) {
    await sql`revoke ${sql.raw(privileges)} on ${sql.join(tables.map((t) => sql.table(t)))} from ${sql.raw(role)}`.execute(db);
  }
  // The roles stay: other schemas of the same cluster may still grant to them.
}
