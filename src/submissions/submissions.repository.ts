import { sql } from 'kysely';
import { bulkInsert, type BulkColumn } from '../db/bulk-insert.ts';
import type { DbOrTx } from '../db/database.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import type { SubmissionsTable } from './submissions.table.ts';

export type SubmissionRow = Pick<SubmissionsTable, 'key_hash' | 'id' | 'content_hash' | 'ticket_id' | 'target_id' | 'kind' | 'created_at'>;

// pg returns bytea as Buffer, PGlite as a plain Uint8Array; callers compare and hex-encode, so make it Buffer.
function withBuffers<T extends { key_hash: Uint8Array; content_hash?: Uint8Array }>(row: T): T {
  return {
    ...row,
    key_hash: Buffer.from(row.key_hash),
    ...(row.content_hash === undefined ? {} : { content_hash: Buffer.from(row.content_hash) }),
  };
}

/** The party's earlier submissions under these keys, if any. */
export async function findSubmissionsByKey(db: DbOrTx, partyId: string, kind: DocumentKind, keyHashes: Buffer[]): Promise<SubmissionRow[]> {
  if (keyHashes.length === 0) return [];
  return db
    .selectFrom('submissions')
    .select(['key_hash', 'id', 'content_hash', 'ticket_id', 'target_id', 'kind', 'created_at'])
    .where('party_id', '=', partyId)
    .where('kind', '=', kind)
    .where('key_hash', '=', sql<Buffer>`any(select decode(h, 'hex') from unnest(${keyHashes.map((k) => k.toString('hex'))}::text[]) as h)`)
    .execute()
    .then((rows) => rows.map(withBuffers));
}

/**
 * The tickets of a platform's trade-ins by their idempotency keys, for the recycler the session names (a
 * platform's submissions are its own rows, so a security-definer function answers; nothing for others).
 */
export async function findTradeInTickets(db: DbOrTx, platformId: string, keyHashes: Buffer[]): Promise<{ key_hash: Buffer; ticket_id: string | null }[]> {
  if (keyHashes.length === 0) return [];
  const { rows } = await sql<{ key_hash: Uint8Array; ticket_id: string | null }>`
    select key_hash, ticket_id from hub_tradein_tickets(${platformId}, array(select decode(h, 'hex') from unnest(${keyHashes.map((k) => k.toString('hex'))}::text[]) as h))`.execute(db);
  return rows.map((row) => ({ key_hash: Buffer.from(row.key_hash), ticket_id: row.ticket_id }));
}

const SUBMISSION_COLUMNS: BulkColumn<SubmissionsTable>[] = [
  { name: 'party_id', type: 'text', value: (r) => r.party_id },
  { name: 'kind', type: 'text', value: (r) => r.kind },
  { name: 'key_hash', type: 'bytea', value: (r) => r.key_hash },
  { name: 'id', type: 'uuid', value: (r) => r.id },
  { name: 'content_hash', type: 'bytea', value: (r) => r.content_hash },
  { name: 'ticket_id', type: 'uuid', value: (r) => r.ticket_id },
  { name: 'target_id', type: 'uuid', value: (r) => r.target_id },
  { name: 'batch_id', type: 'uuid', value: (r) => r.batch_id },
  { name: 'created_at', type: 'timestamptz', value: (r) => r.created_at },
];

/**
 * Claims idempotency keys. A key another transaction holds makes this wait for it, then skip: the rows
 * returned are exactly the keys this transaction now owns, so each key gets one stored document.
 */
export async function claimSubmissionKeys(db: DbOrTx, rows: SubmissionsTable[]): Promise<Set<string>> {
  const claimed = await bulkInsert<SubmissionsTable, { key_hash: Uint8Array }>(db, 'submissions', SUBMISSION_COLUMNS, rows, {
    onConflictDoNothing: ['party_id', 'kind', 'key_hash'],
    returning: ['key_hash'],
  });
  return new Set(claimed.map((row) => Buffer.from(row.key_hash).toString('hex')));
}

export interface SubmissionPage {
  rows: SubmissionRow[];
  hasNextPage: boolean;
}

/** One page of the party's own submissions, newest first; `before` is the id of the last row seen. */
export async function listPartySubmissions(
  db: DbOrTx,
  partyId: string,
  page: { first: number; before?: string; kind?: DocumentKind },
): Promise<SubmissionPage> {
  let query = db
    .selectFrom('submissions')
    .select(['key_hash', 'id', 'content_hash', 'ticket_id', 'target_id', 'kind', 'created_at'])
    .where('party_id', '=', partyId);
  if (page.before !== undefined) query = query.where('id', '<', page.before);
  if (page.kind !== undefined) query = query.where('kind', '=', page.kind);
  const rows = (await query.orderBy('id', 'desc').limit(page.first + 1).execute()).map(withBuffers);
  return { rows: rows.slice(0, page.first), hasNextPage: rows.length > page.first };
}

/** One submission, only if it is the party's own; another party's looks exactly like a missing one. */
export async function findPartySubmission(db: DbOrTx, partyId: string, id: string): Promise<SubmissionRow | undefined> {
  return db
    .selectFrom('submissions')
    .select(['key_hash', 'id', 'content_hash', 'ticket_id', 'target_id', 'kind', 'created_at'])
    .where('party_id', '=', partyId)
    .where('id', '=', id)
    .executeTakeFirst()
    .then((row) => row && withBuffers(row));
}

export async function insertIngestBatch(
  db: DbOrTx,
  batch: { id: string; partyId: string; kind: DocumentKind; channel: 'graphql' | 'bulk'; receivedAt: Date; itemCount: number; accepted: number; rejected: number },
): Promise<void> {
  await db
    .insertInto('ingest_batches')
    .values({
      id: batch.id, party_id: batch.partyId, kind: batch.kind, channel: batch.channel, received_at: batch.receivedAt,
      item_count: batch.itemCount, accepted_count: batch.accepted, rejected_count: batch.rejected,
    })
    .execute();
}
