import type { DbOrTx } from '../db/database.ts';
import type { KeyAlgorithm, PartyRole } from './parties.table.ts';

export interface PartyRow {
  id: string;
  role: PartyRole;
  displayName: string;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface PartyKeyRow {
  partyId: string;
  kid: string;
  alg: KeyAlgorithm;
  publicJwk: Record<string, unknown>;
  revokedAt: Date | null;
}

export async function insertParty(db: DbOrTx, party: { id: string; role: PartyRole; displayName: string; now: Date }): Promise<boolean> {
  const result = await db
    .insertInto('parties')
    .values({ id: party.id, role: party.role, display_name: party.displayName, created_at: party.now, disabled_at: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findParty(db: DbOrTx, id: string): Promise<PartyRow | undefined> {
  const row = await db.selectFrom('parties').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, role: row.role, displayName: row.display_name, createdAt: row.created_at, disabledAt: row.disabled_at };
}

export async function listParties(db: DbOrTx): Promise<PartyRow[]> {
  const rows = await db.selectFrom('parties').selectAll().orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, role: row.role, displayName: row.display_name, createdAt: row.created_at, disabledAt: row.disabled_at }));
}

export async function insertPartyKey(
  db: DbOrTx,
  key: { partyId: string; kid: string; alg: KeyAlgorithm; publicJwk: Record<string, unknown>; now: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('party_keys')
    .values({ party_id: key.partyId, kid: key.kid, alg: key.alg, public_jwk: JSON.stringify(key.publicJwk) as never, created_at: key.now, revoked_at: null })
    .onConflict((oc) => oc.columns(['party_id', 'kid']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The keys a party may sign with now: registered and not revoked. */
export async function findActivePartyKeys(db: DbOrTx, partyId: string): Promise<PartyKeyRow[]> {
  const rows = await db.selectFrom('party_keys').selectAll().where('party_id', '=', partyId).where('revoked_at', 'is', null).execute();
  return rows.map((row) => ({ partyId: row.party_id, kid: row.kid, alg: row.alg, publicJwk: row.public_jwk, revokedAt: row.revoked_at }));
}

export async function revokePartyKey(db: DbOrTx, partyId: string, kid: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('party_keys')
    .set({ revoked_at: now })
    .where('party_id', '=', partyId)
    .where('kid', '=', kid)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
