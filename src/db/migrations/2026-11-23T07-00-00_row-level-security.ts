// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Row-level security on party-owned tables, for a non-superuser, non-owner role `hub_app`: a connection
// that runs as hub_app (`set local role hub_app`, or a login role that is a member of it) and names its
// party per transaction (`set local hub.party_id = '…'`, i.e. set_config('hub.party_id', …, true)) sees and
// writes only that party's rows. Without the setting it sees none.
//
// Defence in depth, not the hub's access control: the hub itself connects as the tables' owner, which
// PostgreSQL exempts from these policies (no FORCE ROW LEVEL SECURITY), so it works as before; its
// resolvers still filter by the caller. Cross-party work — ticket look-ups by recyclers, insights over
// every record, the access-log chain, consent and the ledger — stays with the owner; hub_app gets no
// privilege at all on the subject vault, consent, contributions, the access log or the ledger.
//
// Roles are cluster-wide while tables live per schema (tests run one schema each, concurrently), so the
// role is created once, tolerating a concurrent creator, and every grant names this schema's tables. A
// database user that may not create roles (a managed server's application user) migrates all the same:
// without a `hub_app` role this migration changes nothing and says so in a notice; an administrator who
// creates `hub_app` (NOLOGIN) before the upgrade gets the policies without granting CREATEROLE.
import { type Kysely, sql } from 'kysely';

/** The setting every policy reads: the calling party's id, or nothing (then no row matches). */
const PARTY = sql.raw(`nullif(current_setting('hub.party_id', true), '')`);

/** Tables whose rows carry their owning party in a column, and that column. */
const OWNED_BY_COLUMN: readonly (readonly [table: string, column: string])[] = [
  ['submissions', 'party_id'],
  ['ingest_batches', 'party_id'],
  ['dp_budget', 'party_id'],
  ['inspections', 'recycler_id'],
  ['dispositions', 'recycler_id'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      if not exists (select from pg_roles where rolname = 'hub_app') then
        create role hub_app nologin nosuperuser nocreatedb nocreaterole nobypassrls;
      end if;
    exception
      -- Another schema's migration created it between the check and the create.
      when duplicate_object or unique_violation then null;
      when insufficient_privilege then
        raise notice 'hub_app was not created (this user may not create roles): row-level security is left off';
    end $$`.execute(db);
  const role = await sql<{ present: boolean }>`select exists (select from pg_roles where rolname = 'hub_app') as present`.execute(db);
  if (role.rows[0]?.present !== true) return;

  await sql`
    do $$
    begin
      execute format('grant usage on schema %I to hub_app', current_schema());
    exception
      -- Not this user's schema to grant on (PostgreSQL's own public schema): USAGE there comes with PUBLIC.
      when insufficient_privilege then null;
    end $$`.execute(db);

  // Who is calling and with which keys: read-only reference data, no secret in it.
  await sql`grant select on parties, party_keys to hub_app`.execute(db);

  for (const [table, column] of OWNED_BY_COLUMN) {
    await sql`grant select, insert, update on ${sql.table(table)} to hub_app`.execute(db);
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`
      create policy ${sql.raw(`${table}_own_party`)} on ${sql.table(table)} to hub_app
      using (${sql.ref(column)} = ${PARTY}) with check (${sql.ref(column)} = ${PARTY})`.execute(db);
  }

  // Agreements: a party's own, and every one for the operator who decides them.
  await sql`grant select, insert, update on agreements to hub_app`.execute(db);
  await sql`alter table agreements enable row level security`.execute(db);
  await sql`
    create policy agreements_own_party on agreements to hub_app
    using (party_id = ${PARTY} or exists (select from parties p where p.id = ${PARTY} and p.role = 'operator'))
    with check (party_id = ${PARTY} or exists (select from parties p where p.id = ${PARTY} and p.role = 'operator'))`.execute(db);

  // Tickets: a platform's own, and those of records the recycler has inspected or disposed of. Looking a
  // ticket up by the id printed on a parcel (before any inspection exists) is cross-party: owner only.
  await sql`grant select, insert on tickets to hub_app`.execute(db);
  await sql`alter table tickets enable row level security`.execute(db);
  await sql`
    create policy tickets_own_party on tickets to hub_app
    using (
      platform_id = ${PARTY}
      or exists (select from inspections i where i.record_id = tickets.record_id and i.recycler_id = ${PARTY})
      or exists (select from dispositions d where d.record_id = tickets.record_id and d.recycler_id = ${PARTY})
    )
    with check (platform_id = ${PARTY})`.execute(db);

  // Records name no party (by design); a party sees those its own tickets, inspections or dispositions point
  // at. Any registered party may add a record: it is invisible to the others until their own rows point at it.
  await sql`grant select, insert on records to hub_app`.execute(db);
  await sql`alter table records enable row level security`.execute(db);
  await sql`
    create policy records_read_own on records for select to hub_app
    using (
      exists (select from tickets t where t.record_id = records.id and t.platform_id = ${PARTY})
      or exists (select from inspections i where i.record_id = records.id and i.recycler_id = ${PARTY})
      or exists (select from dispositions d where d.record_id = records.id and d.recycler_id = ${PARTY})
    )`.execute(db);
  await sql`
    create policy records_insert_party on records for insert to hub_app
    with check (exists (select from parties p where p.id = ${PARTY} and p.disabled_at is null))`.execute(db);

  // The catalogue is reference data every party reads; a brand writes only its own models.
  await sql`grant select, insert on catalogue_models to hub_app`.execute(db);
  await sql`alter table catalogue_models enable row level security`.execute(db);
  await sql`create policy catalogue_read_all on catalogue_models for select to hub_app using (true)`.execute(db);
  await sql`create policy catalogue_insert_own on catalogue_models for insert to hub_app with check (party_id = ${PARTY})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const policies: readonly (readonly [string, string])[] = [
    ...OWNED_BY_COLUMN.map(([table]) => [table, `${table}_own_party`] as const),
    ['agreements', 'agreements_own_party'],
    ['tickets', 'tickets_own_party'],
    ['records', 'records_read_own'],
    ['records', 'records_insert_party'],
    ['catalogue_models', 'catalogue_read_all'],
    ['catalogue_models', 'catalogue_insert_own'],
  ];
  for (const [table, policy] of policies) await sql`drop policy if exists ${sql.raw(policy)} on ${sql.table(table)}`.execute(db);
  const tables = [...OWNED_BY_COLUMN.map(([t]) => t), 'agreements', 'tickets', 'records', 'catalogue_models'];
  for (const table of tables) await sql`alter table ${sql.table(table)} disable row level security`.execute(db);
  const role = await sql<{ present: boolean }>`select exists (select from pg_roles where rolname = 'hub_app') as present`.execute(db);
  if (role.rows[0]?.present !== true) return;
  for (const table of [...tables, 'parties', 'party_keys']) await sql`revoke all on ${sql.table(table)} from hub_app`.execute(db);
  // The role stays: other schemas of the same cluster may still grant to it.
  await sql`
    do $$
    begin
      execute format('revoke usage on schema %I from hub_app', current_schema());
    exception
      when insufficient_privilege then null;
    end $$`.execute(db);
}
