import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type {
  CatalogueModelsTable, DispositionsTable, InspectionsTable, RecordsTable, TicketsTable,
} from './records.table.ts';

// Inserts take whole batches: one statement per table per batch keeps ingest set-based.

export async function insertRecords(db: DbOrTx, rows: RecordsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('records').values(rows).execute();
}

export async function insertTickets(db: DbOrTx, rows: TicketsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('tickets').values(rows).execute();
}

export async function insertInspections(db: DbOrTx, rows: InspectionsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('inspections').values(rows).execute();
}

export async function insertDispositions(db: DbOrTx, rows: DispositionsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('dispositions').values(rows).execute();
}

export async function insertCatalogueModels(db: DbOrTx, rows: CatalogueModelsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('catalogue_models').values(rows).onConflict((oc) => oc.columns(['brand', 'model']).doNothing()).execute();
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
  const rows = await db.selectFrom('tickets').select(['id', 'record_id']).where('id', '=', sql<string>`any(${ids}::uuid[])`).execute();
  return new Map(rows.map((row) => [row.id, { recordId: row.record_id }]));
}
