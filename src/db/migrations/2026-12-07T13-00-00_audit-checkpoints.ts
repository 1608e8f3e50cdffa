// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Tamper evidence that covers deletion: the access log refuses UPDATE, DELETE and TRUNCATE at the database
// (as the ledger's tables do), and the hub keeps the checkpoints it signs — (chain, length, head hash,
// signed at) as a JWS with the hub's key — append-only too. Whoever can still write past the triggers
// (the owner can disable them) is caught by `tradein-hub audit verify --checkpoint FILE` against a
// checkpoint kept outside the database.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function audit_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit table % is append-only', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger access_log_append_only before update or delete on access_log
    for each statement execute function audit_append_only()`.execute(db);
  await sql`
    create trigger access_log_no_truncate before truncate on access_log
    for each statement execute function audit_append_only()`.execute(db);

  await sql`
    create table audit_checkpoints (
      id uuid primary key,
      chain text not null check (chain in ('access_log', 'consent_ledger')),
      length bigint not null check (length >= 0),
      head_hash text not null,
      signed_at timestamptz not null,
      jws text not null
    )`.execute(db);
  await sql`create index audit_checkpoints_signed_idx on audit_checkpoints (signed_at desc)`.execute(db);
  await sql`
    create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
    for each statement execute function audit_append_only()`.execute(db);

  // The serving role, where row-level security set one up (2026-11-23T07): it signs and lists checkpoints.
  await sql`
    do $$
    begin
      if exists (select from pg_roles where rolname = 'hub_app') then
        grant select, insert on audit_checkpoints to hub_app;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists audit_checkpoints`.execute(db);
  await sql`drop trigger if exists access_log_append_only on access_log`.execute(db);
  await sql`drop trigger if exists access_log_no_truncate on access_log`.execute(db);
  await sql`drop function if exists audit_append_only()`.execute(db);
}
