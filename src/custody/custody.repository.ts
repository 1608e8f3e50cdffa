import { sql } from 'kysely';
import { bulkInsert, type BulkColumn } from '../db/bulk-insert.ts';
import type { DbOrTx } from '../db/database.ts';
import type { TicketCustodyTable } from './custody.table.ts';

export type CustodyLinkRow = Pick<TicketCustodyTable, 'ticket_id' | 'sequence' | 'holder_id' | 'from_party_id' | 'handed_over_at' | 'released_at'>;

const LINK_COLUMNS: BulkColumn<TicketCustodyTable>[] = [
  { name: 'ticket_id', type: 'uuid', value: (r) => r.ticket_id },
  { name: 'sequence', type: 'integer', value: (r) => r.sequence },
  { name: 'holder_id', type: 'text', value: (r) => r.holder_id },
  { name: 'from_party_id', type: 'text', value: (r) => r.from_party_id },
  { name: 'handed_over_at', type: 'timestamptz', value: (r) => r.handed_over_at },
  { name: 'released_at', type: 'timestamptz', value: (r) => r.released_at },
];

/** Appends links (first links of new tickets, or hand-overs whose previous link was just closed). */
export async function insertCustodyLinks(db: DbOrTx, rows: TicketCustodyTable[]): Promise<void> {
  // Ticket order, so racing batches take their index locks in the same order.
  const sorted = [...rows].sort((a, b) => (a.ticket_id < b.ticket_id ? -1 : a.ticket_id > b.ticket_id ? 1 : a.sequence - b.sequence));
  await bulkInsert(db, 'ticket_custody', LINK_COLUMNS, sorted);
}

/**
 * Of these tickets, those the party holds now, with each one's record. Locks the open links FOR SHARE
 * until the transaction ends: a hand-over of one of them waits for this write, and a write that waited for
 * a hand-over re-reads the link, finds it closed and leaves that ticket out.
 */
export async function lockTicketsHeldBy(db: DbOrTx, holderId: string, ticketIds: readonly string[]): Promise<Map<string, { recordId: string }>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('ticket_custody as c')
    .innerJoin('tickets as t', 't.id', 'c.ticket_id')
    .select(['c.ticket_id', 't.record_id'])
    .where('c.ticket_id', '=', sql<string>`any(${[...new Set(ticketIds)]}::uuid[])`)
    .where('c.holder_id', '=', holderId)
    .where('c.released_at', 'is', null)
    .orderBy('c.ticket_id')
    .forShare('c')
    .execute();
  return new Map(rows.map((row) => [row.ticket_id, { recordId: row.record_id }]));
}

/**
 * Closes the holder's open link of a ticket and returns its sequence; undefined when the party does not
 * hold the ticket (or it does not exist, or a racing hand-over closed the link first).
 */
export async function releaseHeldTicket(db: DbOrTx, ticketId: string, holderId: string, at: Date): Promise<number | undefined> {
  const row = await db
    .updateTable('ticket_custody')
    .set({ released_at: at })
    .where('ticket_id', '=', ticketId)
    .where('holder_id', '=', holderId)
    .where('released_at', 'is', null)
    .returning('sequence')
    .executeTakeFirst();
  return row?.sequence;
}

/** A ticket's whole chain, oldest link first; empty for an unknown ticket. */
export async function findCustodyChain(db: DbOrTx, ticketId: string): Promise<CustodyLinkRow[]> {
  return db
    .selectFrom('ticket_custody')
    .select(['ticket_id', 'sequence', 'holder_id', 'from_party_id', 'handed_over_at', 'released_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('sequence')
    .execute();
}
