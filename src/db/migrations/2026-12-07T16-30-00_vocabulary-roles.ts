// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// The vocabularies (2026-12-07T16) under the serving roles (2026-12-07T12): every party reads the
// registered brands and proprietary grade values (they decide whether a document is accepted) and writes
// only its own. Two operations cross parties and go through security-definer functions, not the owner:
// a brand cataloguing a model attaches every platform's unlisted records whose keyed hash matches it, and
// the operator lists the most frequent unlisted hashes (counts and brands only, never a record).
import { type Kysely, sql } from 'kysely';

const PARTY = `nullif(current_setting('hub.party_id', true), '')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`grant select, insert on registered_brands, proprietary_grade_values to hub_app`.execute(db);
  await sql`grant select on registered_brands, proprietary_grade_values to hub_analytics, hub_admin`.execute(db);
  for (const [table, owner] of [
    ['registered_brands', 'party_id'],
    ['proprietary_grade_values', 'recycler_id'],
  ] as const) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy ${sql.raw(`${table}_read`)} on ${sql.table(table)} for select to hub_app, hub_analytics, hub_admin using (true)`.execute(db);
    await sql`create policy ${sql.raw(`${table}_own`)} on ${sql.table(table)} for insert to hub_app with check (${sql.raw(owner)} = ${sql.raw(PARTY)})`.execute(
      db,
    );
  }
  await sql`
    create function hub_attach_unlisted(p_brand text, p_model_hash bytea, p_model text, p_storage_gb integer) returns integer
    language plpgsql security definer set search_path from current as $$
    declare attached integer;
    begin
      update records set model = p_model, model_hash = null
      where brand = p_brand and model_hash = p_model_hash
        and (p_storage_gb is null or spec ->> 'storageGb' is null or (spec ->> 'storageGb')::integer = p_storage_gb);
      get diagnostics attached = row_count;
      return attached;
    end $$`.execute(db);
  await sql`
    create function hub_unlisted_models(p_limit integer) returns table (brand text, model_hash bytea, records integer)
    language sql stable security definer set search_path from current as $$
      select r.brand, r.model_hash, count(*)::integer from records r where r.model_hash is not null
      group by r.brand, r.model_hash order by count(*) desc, r.brand, r.model_hash limit p_limit
    $$`.execute(db);
  await sql`revoke all on function hub_attach_unlisted(text, bytea, text, integer), hub_unlisted_models(integer) from public`.execute(db);
  await sql`grant execute on function hub_attach_unlisted(text, bytea, text, integer), hub_unlisted_models(integer) to hub_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists hub_unlisted_models(integer)`.execute(db);
  await sql`drop function if exists hub_attach_unlisted(text, bytea, text, integer)`.execute(db);
  await sql`drop policy if exists registered_brands_read on registered_brands`.execute(db);
  await sql`drop policy if exists registered_brands_own on registered_brands`.execute(db);
  await sql`drop policy if exists proprietary_grade_values_read on proprietary_grade_values`.execute(db);
  await sql`drop policy if exists proprietary_grade_values_own on proprietary_grade_values`.execute(db);
}
