import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { CatalogueModelsTable } from './records.table.ts';

// Trade-ins, inspections and dispositions are written by the set-based statements of
// src/submissions/submissions.repository.ts; the catalogue and the reads are here.

export async function insertCatalogueModels(db: DbOrTx, rows: CatalogueModelsTable[]): Promise<void> {
  if (rows.length === 0) return;
  // Key order, so two brands' racing batches lock shared keys in the same order and never deadlock.
  const sorted = [...rows].sort((a, b) => catalogueKey(a.brand, a.model).localeCompare(catalogueKey(b.brand, b.model)));
  await db
    .insertInto('catalogue_models')
    .values(sorted)
    .onConflict((oc) => oc.columns(['brand', 'model']).doNothing())
    .execute();
}

/** Which (brand, model) pairs are already catalogued, and by whom. */
export async function findCatalogueOwners(db: DbOrTx, keys: { brand: string; model: string }[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('catalogue_models')
    .select(['brand', 'model', 'party_id'])
    .where(sql<boolean>`(brand, model) in (select * from unnest(${keys.map((k) => k.brand)}::text[], ${keys.map((k) => k.model)}::text[]))`)
    .execute();
  return new Map(rows.map((row) => [catalogueKey(row.brand, row.model), row.party_id]));
}

export function catalogueKey(brand: string, model: string): string {
  return `${brand}\u0000${model}`;
}

/** Tickets by id, with the record each one belongs to. */
export async function findTickets(db: DbOrTx, ids: string[]): Promise<Map<string, { recordId: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'record_id'])
    .where('id', '=', sql<string>`any(${ids}::uuid[])`)
    .execute();
  return new Map(rows.map((row) => [row.id, { recordId: row.record_id }]));
}
