import { sql } from 'kysely';
import { bulkInsert, type BulkColumn } from '../db/bulk-insert.ts';
import type { DbOrTx } from '../db/database.ts';
import type {
  CatalogueModelsTable, DispositionsTable, InspectionsTable, RecordsTable, TicketsTable,
} from './records.table.ts';

// Inserts take whole batches: one statement per table per batch keeps ingest set-based.

const RECORD_COLUMNS: BulkColumn<RecordsTable>[] = [
  { name: 'id', type: 'uuid', value: (r) => r.id },
  { name: 'category', type: 'text', value: (r) => r.category },
  { name: 'brand', type: 'text', value: (r) => r.brand },
  { name: 'model', type: 'text', value: (r) => r.model },
  { name: 'model_hash', type: 'bytea', value: (r) => r.model_hash },
  { name: 'spec', type: 'jsonb', value: (r) => r.spec },
  { name: 'usage_months', type: 'smallint', value: (r) => r.usage_months },
  { name: 'trade_in_month', type: 'date', value: (r) => r.trade_in_month },
  { name: 'region_code', type: 'text', value: (r) => r.region_code },
  { name: 'channel', type: 'text', value: (r) => r.channel },
  { name: 'quoted_valuation_fen', type: 'bigint', value: (r) => r.quoted_valuation_fen },
  { name: 'subsidy_fen', type: 'bigint', value: (r) => r.subsidy_fen },
  { name: 'energy_grade_old', type: 'smallint', value: (r) => r.energy_grade_old },
  { name: 'new_purchase_category', type: 'text', value: (r) => r.new_purchase_category },
  { name: 'new_purchase_energy_grade', type: 'smallint', value: (r) => r.new_purchase_energy_grade },
  { name: 'new_purchase_water_grade', type: 'smallint', value: (r) => r.new_purchase_water_grade },
  { name: 'created_at', type: 'timestamptz', value: (r) => r.created_at },
];

export async function insertRecords(db: DbOrTx, rows: RecordsTable[]): Promise<void> {
  await bulkInsert(db, 'records', RECORD_COLUMNS, rows);
}

const TICKET_COLUMNS: BulkColumn<TicketsTable>[] = [
  { name: 'id', type: 'uuid', value: (r) => r.id },
  { name: 'record_id', type: 'uuid', value: (r) => r.record_id },
  { name: 'platform_id', type: 'text', value: (r) => r.platform_id },
  { name: 'created_at', type: 'timestamptz', value: (r) => r.created_at },
];

export async function insertTickets(db: DbOrTx, rows: TicketsTable[]): Promise<void> {
  await bulkInsert(db, 'tickets', TICKET_COLUMNS, rows);
}

export async function insertInspections(db: DbOrTx, rows: InspectionsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('inspections').values(rows).execute();
}

export async function insertDispositions(db: DbOrTx, rows: DispositionsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('dispositions').values(rows).execute();
}

export async function insertCatalogueModels(db: DbOrTx, rows: CatalogueModelsTable[]): Promise<void> {
  if (rows.length === 0) return;
  // Key order, so two brands' racing batches lock shared keys in the same order and never deadlock.
  const sorted = [...rows].sort((a, b) => catalogueKey(a.brand, a.model).localeCompare(catalogueKey(b.brand, b.model)));
  await db.insertInto('catalogue_models').values(sorted).onConflict((oc) => oc.columns(['brand', 'model']).doNothing()).execute();
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
