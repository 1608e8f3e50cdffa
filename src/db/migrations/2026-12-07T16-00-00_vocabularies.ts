// Frozen: never edit a migration that has landed; add a new one. No imports from src/, literals only.
//
// Every string a record keeps comes from a vocabulary (issue 11). This migration makes the room; the
// values themselves move in the app-level step that runs right after migrations at start-up
// (src/vocabulary/vocabulary-upgrade.service.ts), because moving them needs the hub secret and the brand
// registry, which a migration may not import. Until that step has run, the old values sit in `*_legacy`
// columns, which it empties and drops in the same transaction as the move.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Brands a brand party registers, beside the shipped list. Reference data: no person, public names.
  await sql`
    create table registered_brands (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,31}$'),
      name_zh text not null,
      name_en text not null,
      aliases text[] not null,
      party_id text not null,
      created_at timestamptz not null
    )`.execute(db);

  // A recycler's own grading scheme (gradeScheme PROPRIETARY): the values it may send as gradeValue.
  await sql`
    create table proprietary_grade_values (
      recycler_id text not null,
      value text not null,
      created_at timestamptz not null,
      primary key (recycler_id, value)
    )`.execute(db);

  // records.brand holds a canonical brand id; records.model a catalogued model name, or null with
  // model_hash set (a keyed hash of the normalised name) while the brand has not catalogued it.
  await sql`alter table records rename column brand to brand_legacy`.execute(db);
  await sql`alter table records rename column model to model_legacy`.execute(db);
  await sql`alter table records alter column brand_legacy drop not null`.execute(db);
  await sql`alter table records alter column model_legacy drop not null`.execute(db);
  await sql`alter table records add column brand text`.execute(db);
  await sql`alter table records add column model text`.execute(db);
  await sql`alter table records add column model_hash bytea`.execute(db);
  await sql`create index records_unlisted_model_idx on records (brand, model_hash) where model_hash is not null`.execute(db);

  // The catalogue's match key (normalised model name without storage or colour), filled at start-up.
  await sql`alter table catalogue_models add column model_key text`.execute(db);
  await sql`create index catalogue_models_key_idx on catalogue_models (brand, model_key)`.execute(db);

  // The subject vault keeps the platform's pseudonym only sealed (AES-256-GCM under a key derived from the
  // hub secret); look-ups go by the subject id, which is already a keyed hash of (platform, pseudonym).
  await sql`alter table subjects rename column subject_ref to subject_ref_legacy`.execute(db);
  await sql`alter table subjects alter column subject_ref_legacy drop not null`.execute(db);
  await sql`alter table subjects add column subject_ref_sealed bytea`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The values were moved one way (hashed, sealed); down restores the shape only.
  await sql`alter table subjects drop column subject_ref_sealed`.execute(db);
  await sql`alter table subjects add column if not exists subject_ref_legacy text`.execute(db);
  await sql`alter table subjects rename column subject_ref_legacy to subject_ref`.execute(db);
  await sql`drop index if exists catalogue_models_key_idx`.execute(db);
  await sql`alter table catalogue_models drop column model_key`.execute(db);
  await sql`drop index if exists records_unlisted_model_idx`.execute(db);
  await sql`alter table records drop column model_hash`.execute(db);
  await sql`alter table records drop column model`.execute(db);
  await sql`alter table records drop column brand`.execute(db);
  await sql`alter table records add column if not exists model_legacy text`.execute(db);
  await sql`alter table records add column if not exists brand_legacy text`.execute(db);
  await sql`alter table records rename column model_legacy to model`.execute(db);
  await sql`alter table records rename column brand_legacy to brand`.execute(db);
  await sql`drop table if exists proprietary_grade_values`.execute(db);
  await sql`drop table if exists registered_brands`.execute(db);
}
