import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

// SQL of the one-time move of values stored before the vocabulary rule (migration 2026-12-07T10-00-00).
// The legacy columns are not in the Database interface: they exist only until this move drops them.

const BATCH = 1000;

export async function legacyColumnsExist(db: DbOrTx): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    select count(*)::integer as found from information_schema.columns
    where table_schema = current_schema() and table_name = 'records' and column_name = 'brand_legacy'`.execute(db);
  return rows[0]!.found > 0;
}

/** Serialises replicas starting at once: the second waits, then finds the columns gone. */
export async function lockUpgrade(db: DbOrTx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('tradein-hub vocabulary upgrade'))`.execute(db);
}

export async function legacyCatalogueRows(db: DbOrTx): Promise<{ brand: string; model: string; party_id: string; storage_gb: number | null }[]> {
  const { rows } = await sql<{ brand: string; model: string; party_id: string; storage_gb: number | null }>`
    select brand, model, party_id, (spec ->> 'storageGb')::integer as storage_gb from catalogue_models where model_key is null order by brand, model`.execute(
    db,
  );
  return rows;
}

/** Moves a catalogue row to its canonical brand and key; a row the canonical brand already has is dropped. */
export async function canonicaliseCatalogueRow(db: DbOrTx, row: { brand: string; model: string }, brand: string, modelKey: string): Promise<void> {
  await sql`
    delete from catalogue_models c where c.brand = ${row.brand} and c.model = ${row.model} and ${brand} <> ${row.brand}
      and exists (select 1 from catalogue_models o where o.brand = ${brand} and o.model = ${row.model})`.execute(db);
  await sql`update catalogue_models set brand = ${brand}, model_key = ${modelKey} where brand = ${row.brand} and model = ${row.model}`.execute(db);
}

export async function legacyRecords(db: DbOrTx): Promise<{ id: string; brand_legacy: string; model_legacy: string }[]> {
  const { rows } = await sql<{ id: string; brand_legacy: string; model_legacy: string }>`
    select id, brand_legacy, model_legacy from records where brand_legacy is not null order by id limit ${BATCH}`.execute(db);
  return rows;
}

export async function moveRecord(db: DbOrTx, id: string, values: { brand: string; model: string | null; modelHash: Buffer | null }): Promise<void> {
  await sql`
    update records set brand = ${values.brand}, model = ${values.model}, model_hash = ${values.modelHash}, brand_legacy = null, model_legacy = null
    where id = ${id}`.execute(db);
}

export async function legacySubjects(db: DbOrTx): Promise<{ id: string; subject_ref_legacy: string }[]> {
  const { rows } = await sql<{ id: string; subject_ref_legacy: string }>`
    select id, subject_ref_legacy from subjects where subject_ref_legacy is not null order by id limit ${BATCH}`.execute(db);
  return rows;
}

export async function sealSubject(db: DbOrTx, id: string, sealed: Buffer): Promise<void> {
  await sql`update subjects set subject_ref_sealed = ${sealed}, subject_ref_legacy = null where id = ${id}`.execute(db);
}

export interface LegacyInspection {
  id: string;
  recycler_id: string;
  grade_scheme: string | null;
  grade_value: string | null;
  data_wipe: Record<string, unknown> | null;
}

/** Inspections with a raw certificate reference or a grade value, after `afterId`. */
export async function legacyInspections(db: DbOrTx, afterId: string): Promise<LegacyInspection[]> {
  const { rows } = await sql<LegacyInspection>`
    select id, recycler_id, grade_scheme, grade_value, data_wipe from inspections
    where id > ${afterId} and (grade_value is not null or data_wipe ? 'certificateRef')
    order by id limit ${BATCH}`.execute(db);
  return rows;
}

export async function updateInspectionVocabulary(
  db: DbOrTx,
  id: string,
  values: { gradeScheme: string | null; gradeValue: string | null; dataWipe: Record<string, unknown> | null },
): Promise<void> {
  await sql`
    update inspections set grade_scheme = ${values.gradeScheme}, grade_value = ${values.gradeValue},
      data_wipe = ${values.dataWipe === null ? null : JSON.stringify(values.dataWipe)}::jsonb
    where id = ${id}`.execute(db);
}

/** Drops the emptied legacy columns and makes the new ones required. */
export async function dropLegacyColumns(db: DbOrTx): Promise<void> {
  await sql`alter table records drop column brand_legacy, drop column model_legacy`.execute(db);
  await sql`alter table records alter column brand set not null`.execute(db);
  await sql`alter table subjects drop column subject_ref_legacy`.execute(db);
  await sql`alter table subjects alter column subject_ref_sealed set not null`.execute(db);
  await sql`alter table catalogue_models alter column model_key set not null`.execute(db);
}
