import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { BrandEntry } from './shipped-brands.ts';
import type { ProprietaryGradeValuesTable, RegisteredBrandsTable } from './vocabulary.table.ts';

export async function listRegisteredBrands(db: DbOrTx): Promise<BrandEntry[]> {
  const rows = await db.selectFrom('registered_brands').select(['id', 'name_zh', 'name_en', 'aliases']).orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, nameZh: row.name_zh, nameEn: row.name_en, aliases: row.aliases }));
}

/** Adds a brand; false when the id is taken. */
export async function insertRegisteredBrand(db: DbOrTx, row: RegisteredBrandsTable): Promise<boolean> {
  const inserted = await db
    .insertInto('registered_brands')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return inserted.length === 1;
}

export async function listProprietaryGradeValues(db: DbOrTx, recyclerId: string): Promise<string[]> {
  const rows = await db.selectFrom('proprietary_grade_values').select('value').where('recycler_id', '=', recyclerId).orderBy('value').execute();
  return rows.map((row) => row.value);
}

export async function insertProprietaryGradeValues(db: DbOrTx, rows: ProprietaryGradeValuesTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('proprietary_grade_values')
    .values(rows)
    .onConflict((oc) => oc.columns(['recycler_id', 'value']).doNothing())
    .execute();
}

export interface CatalogueMatch {
  brand: string;
  model: string;
  model_key: string;
  storage_gb: number | null;
}

/** Catalogue entries by (brand, match key), with the storage their spec states. */
export async function findCatalogueModelsByKey(db: DbOrTx, keys: { brand: string; key: string }[]): Promise<CatalogueMatch[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<CatalogueMatch>`
    select brand, model, model_key, (spec ->> 'storageGb')::integer as storage_gb
    from catalogue_models
    where (brand, model_key) in (select * from unnest(${keys.map((k) => k.brand)}::text[], ${keys.map((k) => k.key)}::text[]))
    order by brand, model_key, model`.execute(db);
  return rows;
}

/**
 * Resolves the unlisted records of one brand whose model hash matches a newly catalogued model: they get
 * the catalogue's name and lose the hash. With `storageGb`, only records of that storage (or none stated).
 * Returns how many records it resolved.
 */
export async function attachUnlistedRecords(db: DbOrTx, entry: { brand: string; modelHash: Buffer; model: string; storageGb: number | null }): Promise<number> {
  // Every platform's records, so through the security-definer function (serving roles see their own only).
  const { rows } = await sql<{ attached: number }>`
    select hub_attach_unlisted(${entry.brand}, ${entry.modelHash}, ${entry.model}, ${entry.storageGb}::integer) as attached`.execute(db);
  return Number(rows[0]?.attached ?? 0);
}

export interface UnlistedModelRow {
  brand: string;
  model_hash: Buffer;
  records: number;
}

/** The most frequent unlisted model hashes, most records first. */
export async function listUnlistedModels(db: DbOrTx, limit: number): Promise<UnlistedModelRow[]> {
  // Counts over every platform's records: the security-definer function returns counts and brands only.
  const { rows } = await sql<UnlistedModelRow>`select brand, model_hash, records from hub_unlisted_models(${limit}::integer)`.execute(db);
  return rows;
}
