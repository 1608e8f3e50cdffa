import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { WipeAttestationsTable } from './wipes.table.ts';

/** A ticket a notary may attest: held now by a registered recycler (or dismantler), with its record. */
export interface AttestableTicket {
  ticketId: string;
  recordId: string;
  holderId: string;
}

/**
 * Of these tickets, those a registered, active recycler holds now — answered only to an active notary (the
 * security-definer `hub_wipe_ticket_holders`), with the open links locked FOR SHARE for the transaction.
 */
export async function findAttestableTickets(db: DbOrTx, ticketIds: readonly string[]): Promise<Map<string, AttestableTicket>> {
  if (ticketIds.length === 0) return new Map();
  const { rows } = await sql<{ ticket_id: string; record_id: string; holder_id: string }>`
    select ticket_id, record_id, holder_id from hub_wipe_ticket_holders(${[...new Set(ticketIds)]}::uuid[])`.execute(db);
  return new Map(rows.map((row) => [row.ticket_id, { ticketId: row.ticket_id, recordId: row.record_id, holderId: row.holder_id }]));
}

/** `hub_is_notary()`: the session's party is an active notary in the firm registry. */
export async function callerIsActiveNotary(db: DbOrTx): Promise<boolean> {
  const { rows } = await sql<{ notary: boolean }>`select hub_is_notary() as notary`.execute(db);
  return rows[0]?.notary === true;
}

export async function insertWipeAttestations(db: DbOrTx, rows: readonly WipeAttestationsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('wipe_attestations')
    .values([...rows])
    .execute();
}

export type WipeCertificateRow = Pick<
  WipeAttestationsTable,
  'ticket_id' | 'record_id' | 'notary_id' | 'standard' | 'level' | 'method' | 'verification' | 'wiped_month' | 'created_at'
> & { certificate_id: string; certificate: string };

/** The latest certificate of each of these records (the caller's policies decide which it may see). */
export async function latestCertificatesOfRecords(db: DbOrTx, recordIds: readonly string[]): Promise<Map<string, WipeCertificateRow>> {
  if (recordIds.length === 0) return new Map();
  const { rows } = await sql<WipeCertificateRow>`
    select distinct on (record_id) ticket_id, record_id, notary_id, standard, level, method, verification, wiped_month::text as wiped_month,
           created_at, certificate_id, certificate
    from wipe_attestations
    where record_id = any(${[...new Set(recordIds)]}::uuid[]) and certificate is not null
    order by record_id, created_at desc, id desc`.execute(db);
  return new Map(rows.map((row) => [row.record_id, row]));
}

/** Per ticket: the latest certificate (if any) and whether any attestation exists at all. */
export interface TicketWipeFacts {
  certificate: WipeCertificateRow | undefined;
  attested: boolean;
}

export async function wipeFactsOfTickets(db: DbOrTx, ticketIds: readonly string[]): Promise<Map<string, TicketWipeFacts>> {
  if (ticketIds.length === 0) return new Map();
  const ids = [...new Set(ticketIds)];
  const { rows: attested } = await sql<{ ticket_id: string }>`
    select distinct ticket_id from wipe_attestations where ticket_id = any(${ids}::uuid[])`.execute(db);
  const { rows: certificates } = await sql<WipeCertificateRow>`
    select distinct on (ticket_id) ticket_id, record_id, notary_id, standard, level, method, verification, wiped_month::text as wiped_month,
           created_at, certificate_id, certificate
    from wipe_attestations
    where ticket_id = any(${ids}::uuid[]) and certificate is not null
    order by ticket_id, created_at desc, id desc`.execute(db);
  const byTicket = new Map(certificates.map((row) => [row.ticket_id, row]));
  const attestedSet = new Set(attested.map((row) => row.ticket_id));
  return new Map(ids.map((id) => [id, { certificate: byTicket.get(id), attested: attestedSet.has(id) }]));
}

/**
 * Certified devices by standard and level: each device once, by its latest certificate verified within the
 * months; optionally only devices of these brands. Read as the analytics role (crosses parties).
 */
export async function certifiedDevicesByStandardLevel(
  db: DbOrTx,
  range: { from: string; to: string },
  brands?: readonly string[],
): Promise<{ standard: string; level: string; devices: number }[]> {
  const brandFilter = brands === undefined ? sql`true` : sql`r.brand = any(${[...brands]}::text[])`;
  const { rows } = await sql<{ standard: string; level: string; devices: number }>`
    select w.standard, w.level, count(*)::integer as devices
    from (
      select distinct on (record_id) record_id, standard, level
      from wipe_attestations
      where certificate is not null and wiped_month between ${range.from}::date and ${range.to}::date
      order by record_id, created_at desc, id desc
    ) w join records r on r.id = w.record_id
    where ${brandFilter}
    group by w.standard, w.level
    order by w.standard, w.level`.execute(db);
  return rows;
}

/** Per recycler and completion month: data-bearing devices whose latest disposition is done and that hold no certificate. */
export interface UncertifiedDispositionRow {
  recycler_id: string;
  month: string;
  devices: number;
  tickets: string[];
}

/**
 * Devices of these categories whose latest disposition (anything but `pending`) was completed within the
 * months by a recycler, and for which no notary's certificate exists: the regulator's flag. At most
 * `ticketsPerRow` ticket ids per row, in id order.
 */
export async function uncertifiedDispositions(
  db: DbOrTx,
  range: { from: string; to: string },
  categories: readonly string[],
  ticketsPerRow: number,
): Promise<UncertifiedDispositionRow[]> {
  const { rows } = await sql<UncertifiedDispositionRow>`
    select d.recycler_id, to_char(d.completed_month, 'YYYY-MM') as month, count(*)::integer as devices,
           (array_agg(t.id::text order by t.id))[1:${ticketsPerRow}] as tickets
    from (
      select distinct on (record_id) record_id, recycler_id, disposition, completed_month
      from dispositions order by record_id, created_at desc, id desc
    ) d
    join records r on r.id = d.record_id
    join tickets t on t.record_id = d.record_id
    where d.disposition <> 'pending' and d.completed_month between ${range.from}::date and ${range.to}::date
      and r.category = any(${[...categories]}::text[])
      and not exists (select from wipe_attestations w where w.record_id = d.record_id and w.certificate is not null)
    group by d.recycler_id, d.completed_month
    order by d.completed_month, d.recycler_id`.execute(db);
  return rows;
}

/** The brand ids a brand party stands for: those it registered and those it catalogued models under. */
export async function brandsOfParty(db: DbOrTx, partyId: string): Promise<string[]> {
  const { rows } = await sql<{ brand: string }>`
    select id as brand from registered_brands where party_id = ${partyId}
    union select distinct brand from catalogue_models where party_id = ${partyId}
    order by 1`.execute(db);
  return rows.map((row) => row.brand);
}
