import type { DbOrTx } from '../db/database.ts';
import { isUuid } from '../db/ids.ts';
import type { AgreementsTable } from './agreements.table.ts';

export async function insertAgreement(db: DbOrTx, row: AgreementsTable): Promise<void> {
  await db.insertInto('agreements').values(row).execute();
}

/** One agreement by id, whoever holds it (the operator's view). */
export async function findAgreement(db: DbOrTx, id: string): Promise<AgreementsTable | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listPartyAgreements(db: DbOrTx, partyId: string): Promise<AgreementsTable[]> {
  return db.selectFrom('agreements').selectAll().where('party_id', '=', partyId).orderBy('requested_at', 'desc').execute();
}

export async function listAgreementsByStatus(db: DbOrTx, status: AgreementsTable['status'] | undefined): Promise<AgreementsTable[]> {
  let query = db.selectFrom('agreements').selectAll();
  if (status !== undefined) query = query.where('status', '=', status);
  return query.orderBy('requested_at', 'desc').limit(1000).execute();
}

/** The party's agreements for a purpose that could still be in force: requested or active, newest first. */
export async function findOpenAgreements(db: DbOrTx, partyId: string, purpose: string): Promise<AgreementsTable[]> {
  return db
    .selectFrom('agreements')
    .selectAll()
    .where('party_id', '=', partyId)
    .where('purpose', '=', purpose)
    .where('status', 'in', ['requested', 'active'])
    .orderBy('requested_at', 'desc')
    .execute();
}

/** The party's newest agreement for a purpose, whatever its status. */
export async function findNewestAgreement(db: DbOrTx, partyId: string, purpose: string): Promise<AgreementsTable | undefined> {
  return db
    .selectFrom('agreements')
    .selectAll()
    .where('party_id', '=', partyId)
    .where('purpose', '=', purpose)
    .orderBy('requested_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Moves an agreement from one status to another only if it is still in `from`; returns the updated row. */
export async function transitionAgreement(
  db: DbOrTx,
  key: { partyId: string; id: string },
  from: AgreementsTable['status'],
  changes: Partial<Omit<AgreementsTable, 'party_id' | 'id'>>,
): Promise<AgreementsTable | undefined> {
  return db
    .updateTable('agreements')
    .set(changes)
    .where('party_id', '=', key.partyId)
    .where('id', '=', key.id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}
