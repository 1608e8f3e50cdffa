import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { PartyRole } from '../parties/parties.table.ts';
import type { FirmEntry } from './firm-entry.ts';
import type { FirmCapacity, FirmStatus } from './firms.table.ts';

/** A registry entry with the party's name and role, as the operator and the regulator read it. */
export interface FirmRow extends FirmEntry {
  displayName: string;
  role: PartyRole;
  registeredAt: Date;
  updatedAt: Date;
}

/** Inserts or replaces a party's entry; `registered_at` keeps its first value. */
export async function upsertFirm(db: DbOrTx, entry: FirmEntry, now: Date): Promise<void> {
  const values = {
    capacities: entry.capacities,
    credit_code: entry.creditCode,
    licence_number: entry.licenceNumber,
    licence_valid_until: entry.licenceValidUntil,
    status: entry.status,
    updated_at: now,
  };
  await db
    .insertInto('firms')
    .values({ party_id: entry.partyId, registered_at: now, ...values })
    .onConflict((oc) => oc.column('party_id').doUpdateSet(values))
    .execute();
}

/** The party holding a credit code, if any. */
export async function findPartyByCreditCode(db: DbOrTx, creditCode: string): Promise<string | undefined> {
  const row = await db.selectFrom('firms').select('party_id').where('credit_code', '=', creditCode).executeTakeFirst();
  return row?.party_id;
}

export async function updateFirmStatus(db: DbOrTx, partyId: string, status: FirmStatus, now: Date): Promise<boolean> {
  const result = await db.updateTable('firms').set({ status, updated_at: now }).where('party_id', '=', partyId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Entries in party-id order, optionally only those holding a capacity or in a status. */
export async function listFirms(db: DbOrTx, filter: { capacity?: FirmCapacity; status?: FirmStatus; partyId?: string } = {}): Promise<FirmRow[]> {
  let query = db
    .selectFrom('firms as f')
    .innerJoin('parties as p', 'p.id', 'f.party_id')
    .select([
      'f.party_id',
      'f.capacities',
      'f.credit_code',
      'f.licence_number',
      'f.licence_valid_until',
      'f.status',
      'f.registered_at',
      'f.updated_at',
      'p.display_name',
      'p.role',
    ])
    .orderBy('f.party_id');
  if (filter.capacity !== undefined) query = query.where(sql<boolean>`${filter.capacity} = any(f.capacities)`);
  if (filter.status !== undefined) query = query.where('f.status', '=', filter.status);
  if (filter.partyId !== undefined) query = query.where('f.party_id', '=', filter.partyId);
  const rows = await query.execute();
  return rows.map((row) => ({
    partyId: row.party_id,
    capacities: row.capacities,
    creditCode: row.credit_code,
    licenceNumber: row.licence_number,
    licenceValidUntil: row.licence_valid_until,
    status: row.status,
    displayName: row.display_name,
    role: row.role,
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
  }));
}
