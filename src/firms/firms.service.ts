import type { Db } from '../db/database.ts';
import { actAs } from '../db/act-as.ts';
import { findParty } from '../parties/parties.repository.ts';
import { checkFirmEntry, type FirmEntryInput } from './firm-entry.ts';
import { FirmError } from './firm-error.ts';
import * as firms from './firms.repository.ts';
import { FIRM_STATUSES, type FirmCapacity, type FirmStatus } from './firms.table.ts';

/** One line of the public list: what the programme publishes, and nothing to contact anyone by. */
export interface PublicFirm {
  name: string;
  capacities: FirmCapacity[];
  status: FirmStatus;
}

/**
 * Registers a party as a participating firm, or replaces its entry (operator). The party must exist; the
 * entry must pass `checkFirmEntry` for the party's role; a credit code may belong to one party only. One
 * transaction: nothing is stored when any rule fails. Throws FirmError naming the field. Returns the entry.
 */
export async function registerFirm(db: Db, input: FirmEntryInput, now: Date): Promise<firms.FirmRow> {
  return db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_admin');
    const party = await findParty(tx, input.partyId);
    if (party === undefined) throw new FirmError('firm.party_not_found', 'partyId', 'partyId must name a registered party');
    const entry = checkFirmEntry(input, party.role);
    if (entry.creditCode !== null) {
      const holder = await firms.findPartyByCreditCode(tx, entry.creditCode);
      if (holder !== undefined && holder !== entry.partyId) {
        throw new FirmError('firm.credit_code_taken', 'creditCode', 'creditCode must not already belong to another party');
      }
    }
    await firms.upsertFirm(tx, entry, now);
    return (await firms.listFirms(tx, { partyId: entry.partyId }))[0]!;
  });
}

/** Changes a registered firm's status (operator); throws FirmError when the party has no entry or the status is unknown. */
export async function setFirmStatus(db: Db, partyId: string, status: string, now: Date): Promise<firms.FirmRow> {
  if (!(FIRM_STATUSES as readonly string[]).includes(status)) {
    throw new FirmError('firm.status_invalid', 'status', `status must be one of ${FIRM_STATUSES.join(', ')}`);
  }
  return db.transaction().execute(async (tx) => {
    await actAs(tx, 'hub_admin');
    if (!(await firms.updateFirmStatus(tx, partyId, status as FirmStatus, now))) {
      throw new FirmError('firm.not_registered', 'partyId', 'partyId must name a firm in the registry');
    }
    return (await firms.listFirms(tx, { partyId }))[0]!;
  });
}

/**
 * The public list of participating firms: every registry entry except the hub's operator and the
 * regulators (they run the programme, they do not take part in it), by name. Name, capacities and status
 * only — no credit code, licence or contact data.
 */
export async function publicFirmList(db: Db): Promise<PublicFirm[]> {
  const rows = await firms.listFirms(db);
  return rows
    .filter((row) => row.capacities.some((c) => c !== 'operator' && c !== 'regulator'))
    .map((row) => ({ name: row.displayName, capacities: row.capacities.filter((c) => c !== 'operator' && c !== 'regulator'), status: row.status }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
