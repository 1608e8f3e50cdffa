import { sql } from 'kysely';
import { bulkInsert, unnestRows, type BulkColumn } from '../db/bulk-insert.ts';
import type { DbOrTx } from '../db/database.ts';
import type { DocumentKind } from '../documents/document-kinds.ts';
import type { DispositionsTable, InspectionsTable, RecordsTable } from '../records/records.table.ts';
import type { SubmissionsTable } from './submissions.table.ts';

export type SubmissionRow = Pick<SubmissionsTable, 'key_hash' | 'id' | 'content_hash' | 'ticket_id' | 'target_id' | 'kind' | 'version' | 'created_at'>;

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
    .select(['key_hash', 'id', 'content_hash', 'ticket_id', 'target_id', 'kind', 'version', 'created_at'])
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
    select key_hash, ticket_id from hub_tradein_tickets(${platformId}, array(select decode(h, 'hex') from unnest(${keyHashes.map((k) => k.toString('hex'))}::text[]) as h))`.execute(
    db,
  );
  return rows.map((row) => ({ key_hash: Buffer.from(row.key_hash), ticket_id: row.ticket_id }));
}

const SUBMISSION_COLUMNS: BulkColumn<SubmissionsTable>[] = [
  { name: 'party_id', type: 'text', value: (r) => r.party_id },
  { name: 'kind', type: 'text', value: (r) => r.kind },
  { name: 'version', type: 'smallint', value: (r) => r.version },
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
    .select(['key_hash', 'id', 'content_hash', 'ticket_id', 'target_id', 'kind', 'version', 'created_at'])
    .where('party_id', '=', partyId);
  if (page.before !== undefined) query = query.where('id', '<', page.before);
  if (page.kind !== undefined) query = query.where('kind', '=', page.kind);
  const rows = (
    await query
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute()
  ).map(withBuffers);
  return { rows: rows.slice(0, page.first), hasNextPage: rows.length > page.first };
}

/** One submission, only if it is the party's own; another party's looks exactly like a missing one. */
export async function findPartySubmission(db: DbOrTx, partyId: string, id: string): Promise<SubmissionRow | undefined> {
  return db
    .selectFrom('submissions')
    .select(['key_hash', 'id', 'content_hash', 'ticket_id', 'target_id', 'kind', 'version', 'created_at'])
    .where('party_id', '=', partyId)
    .where('id', '=', id)
    .executeTakeFirst()
    .then((row) => row && withBuffers(row));
}

export async function insertIngestBatch(
  db: DbOrTx,
  batch: {
    id: string;
    partyId: string;
    kind: DocumentKind;
    channel: 'graphql' | 'bulk';
    receivedAt: Date;
    itemCount: number;
    accepted: number;
    rejected: number;
  },
): Promise<void> {
  await db
    .insertInto('ingest_batches')
    .values({
      id: batch.id,
      party_id: batch.partyId,
      kind: batch.kind,
      channel: batch.channel,
      received_at: batch.receivedAt,
      item_count: batch.itemCount,
      accepted_count: batch.accepted,
      rejected_count: batch.rejected,
    })
    .execute();
}

// Set-based storage: one statement per batch claims the keys and writes every row the claimed documents
// need, so a 1,000-document batch costs one round trip and one plan instead of one per table. The writes
// are plain INSERTs (triggers on the analytic tables fire as for any insert), in key order as before.
// Lock order is kept too: the outer query reads `claimed` to its end, so every key is claimed before the
// other inserts (which PostgreSQL runs after the outer query, in the order they are written) take any
// subject row lock; two batches sharing keys and subjects then wait for each other instead of deadlocking.

/** The submission columns of a batch's input, prefixed so they never clash with a domain table's. */
const CLAIM_INPUT: BulkColumn<{ submission: SubmissionsTable }>[] = [
  { name: 'sub_key_hash', type: 'bytea', value: (r) => r.submission.key_hash },
  { name: 'sub_id', type: 'uuid', value: (r) => r.submission.id },
  { name: 'sub_content_hash', type: 'bytea', value: (r) => r.submission.content_hash },
  { name: 'sub_ticket_id', type: 'uuid', value: (r) => r.submission.ticket_id },
  { name: 'sub_target_id', type: 'uuid', value: (r) => r.submission.target_id },
];

/** What every submission of a batch shares: its party, kind and version, batch and time. */
export interface BatchStamp {
  partyId: string;
  kind: DocumentKind;
  version: number;
  batchId: string;
  at: Date;
}

/** `claimed`: the batch's keys this transaction now owns (a key another one holds makes it wait, then skip). */
function claimCte(stamp: BatchStamp) {
  return sql`claimed as (
    insert into submissions (party_id, kind, version, key_hash, id, content_hash, ticket_id, target_id, batch_id, created_at)
    select ${stamp.partyId}::text, ${stamp.kind}::text, ${stamp.version}::smallint, i.sub_key_hash, i.sub_id, i.sub_content_hash, i.sub_ticket_id, i.sub_target_id,
      ${stamp.batchId}::uuid, ${stamp.at.toISOString()}::timestamptz
    from input i order by i.sub_key_hash
    on conflict (party_id, kind, key_hash) do nothing
    returning key_hash, id)`;
}

function claimedKeys(rows: { key_hash: Uint8Array }[]): Set<string> {
  return new Set(rows.map((row) => Buffer.from(row.key_hash).toString('hex')));
}

/** A trade-in to store: its submission, record, vault link (with a subjectRef) and the recycler it goes to. */
export interface TradeInRows {
  submission: SubmissionsTable;
  record: RecordsTable;
  subject: { id: string; sealed: Buffer } | null;
  recyclerId: string | null;
}

const RECORD_FIELDS: [keyof RecordsTable, BulkColumn<unknown>['type']][] = [
  ['category', 'text'],
  ['brand', 'text'],
  ['model', 'text'],
  ['model_hash', 'bytea'],
  ['spec', 'jsonb'],
  ['usage_months', 'smallint'],
  ['trade_in_month', 'date'],
  ['region_code', 'text'],
  ['channel', 'text'],
  ['quoted_valuation_fen', 'bigint'],
  ['subsidy_fen', 'bigint'],
  ['energy_grade_old', 'smallint'],
  ['new_purchase_category', 'text'],
  ['new_purchase_energy_grade', 'smallint'],
  ['new_purchase_water_grade', 'smallint'],
  ['new_purchase_list_price_fen', 'bigint'],
  ['new_purchase_paid_price_fen', 'bigint'],
];

const TRADEIN_INPUT: BulkColumn<TradeInRows>[] = [
  ...CLAIM_INPUT,
  { name: 'record_id', type: 'uuid', value: (r) => r.record.id },
  ...RECORD_FIELDS.map(([name, type]): BulkColumn<TradeInRows> => ({ name, type, value: (r) => r.record[name] })),
  { name: 'subject_id', type: 'uuid', value: (r) => r.subject?.id ?? null },
  { name: 'subject_ref_sealed', type: 'bytea', value: (r) => r.subject?.sealed ?? null },
  { name: 'recycler_id', type: 'text', value: (r) => r.recyclerId },
];

/**
 * Claims the trade-ins' keys and, for the claimed ones only, writes in the same statement their records,
 * tickets, vault links (subjects once each, in id order) and custody: the platform is the first holder,
 * and a trade-in naming a recycler hands the ticket over at once. Returns the claimed keys (hex).
 */
export async function storeTradeIns(db: DbOrTx, stamp: BatchStamp, rows: readonly TradeInRows[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const party = sql`${stamp.partyId}::text`;
  const at = sql`${stamp.at.toISOString()}::timestamptz`;
  const recordColumns = RECORD_FIELDS.map(([name]) => sql.ref(name));
  const { rows: claimed } = await sql<{ key_hash: Uint8Array }>`
    with input as ${unnestRows(TRADEIN_INPUT, rows)},
    ${claimCte(stamp)},
    fresh as (select i.* from input i join claimed c on c.id = i.sub_id),
    stored_records as (
      insert into records (id, ${sql.join(recordColumns)}, created_at)
      select record_id, ${sql.join(recordColumns)}, ${at} from fresh),
    stored_tickets as (
      insert into tickets (id, record_id, platform_id, created_at) select sub_ticket_id, record_id, ${party}, ${at} from fresh order by sub_ticket_id),
    stored_subjects as (
      insert into subjects (id, platform_id, subject_ref_sealed, created_at)
      select distinct on (subject_id) subject_id, ${party}, subject_ref_sealed, ${at} from fresh where subject_id is not null order by subject_id
      on conflict (id) do nothing),
    linked as (
      insert into record_subjects (subject_id, record_id, platform_id, created_at)
      select subject_id, record_id, ${party}, ${at} from fresh where subject_id is not null order by subject_id, record_id
      on conflict (subject_id, record_id) do nothing),
    custody as (
      insert into ticket_custody (ticket_id, sequence, holder_id, from_party_id, handed_over_at, released_at)
      select ticket_id, sequence, holder_id, from_party_id, ${at}, released_at from (
        select sub_ticket_id as ticket_id, 0 as sequence, ${party} as holder_id, null::text as from_party_id,
          case when recycler_id is null then null else ${at} end as released_at
        from fresh
        union all
        select sub_ticket_id, 1, recycler_id, ${party}, null from fresh where recycler_id is not null
      ) links order by ticket_id, sequence)
    select key_hash from claimed`.execute(db);
  return claimedKeys(claimed);
}

/** An inspection or disposition to store: its submission and its row (whose id is the submission's target). */
export interface TargetRows<Row> {
  submission: SubmissionsTable;
  row: Row;
}

const INSPECTION_INPUT: BulkColumn<TargetRows<InspectionsTable>>[] = [
  ...CLAIM_INPUT,
  { name: 'record_id', type: 'uuid', value: (r) => r.row.record_id },
  { name: 'recycler_id', type: 'text', value: (r) => r.row.recycler_id },
  { name: 'grade', type: 'text', value: (r) => r.row.grade },
  { name: 'grade_scheme', type: 'text', value: (r) => r.row.grade_scheme },
  { name: 'grade_value', type: 'text', value: (r) => r.row.grade_value },
  { name: 'inspected_month', type: 'date', value: (r) => r.row.inspected_month },
  // An array per row cannot be an element of an unnest array: it travels as a JSON array.
  { name: 'faults', type: 'jsonb', value: (r) => r.row.faults },
  { name: 'battery_health_pct', type: 'smallint', value: (r) => r.row.battery_health_pct },
  { name: 'battery_cycles', type: 'integer', value: (r) => r.row.battery_cycles },
  { name: 'repair_history', type: 'text', value: (r) => r.row.repair_history },
  { name: 'lock_status', type: 'text', value: (r) => r.row.lock_status },
  { name: 'final_valuation_fen', type: 'bigint', value: (r) => r.row.final_valuation_fen },
  { name: 'data_wipe', type: 'jsonb', value: (r) => r.row.data_wipe },
];

/** Claims the inspections' keys and writes the claimed ones' rows, in one statement; returns the claimed keys. */
export async function storeInspections(db: DbOrTx, stamp: BatchStamp, rows: readonly TargetRows<InspectionsTable>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: claimed } = await sql<{ key_hash: Uint8Array }>`
    with input as ${unnestRows(INSPECTION_INPUT, rows)},
    ${claimCte(stamp)},
    stored as (
      insert into inspections (id, record_id, recycler_id, grade, grade_scheme, grade_value, inspected_month, faults, battery_health_pct,
        battery_cycles, repair_history, lock_status, final_valuation_fen, data_wipe, created_at)
      select i.sub_target_id, i.record_id, i.recycler_id, i.grade, i.grade_scheme, i.grade_value, i.inspected_month,
        array(select jsonb_array_elements_text(i.faults)), i.battery_health_pct, i.battery_cycles, i.repair_history, i.lock_status,
        i.final_valuation_fen, i.data_wipe, ${stamp.at.toISOString()}::timestamptz
      from input i join claimed c on c.id = i.sub_id order by i.sub_target_id)
    select key_hash from claimed`.execute(db);
  return claimedKeys(claimed);
}

const DISPOSITION_INPUT: BulkColumn<TargetRows<DispositionsTable>>[] = [
  ...CLAIM_INPUT,
  { name: 'record_id', type: 'uuid', value: (r) => r.row.record_id },
  { name: 'recycler_id', type: 'text', value: (r) => r.row.recycler_id },
  { name: 'disposition', type: 'text', value: (r) => r.row.disposition },
  { name: 'completed_month', type: 'date', value: (r) => r.row.completed_month },
  { name: 'weight_kg', type: 'numeric', value: (r) => r.row.weight_kg },
  { name: 'materials_kg', type: 'jsonb', value: (r) => r.row.materials_kg },
  { name: 'refrigerant_type', type: 'text', value: (r) => r.row.refrigerant_type },
  { name: 'refrigerant_recovered_g', type: 'integer', value: (r) => r.row.refrigerant_recovered_g },
  { name: 'processor_licensed', type: 'boolean', value: (r) => r.row.processor_licensed },
];

/** Claims the dispositions' keys and writes the claimed ones' rows, in one statement; returns the claimed keys. */
export async function storeDispositions(db: DbOrTx, stamp: BatchStamp, rows: readonly TargetRows<DispositionsTable>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: claimed } = await sql<{ key_hash: Uint8Array }>`
    with input as ${unnestRows(DISPOSITION_INPUT, rows)},
    ${claimCte(stamp)},
    stored as (
      insert into dispositions (id, record_id, recycler_id, disposition, completed_month, weight_kg, materials_kg, refrigerant_type,
        refrigerant_recovered_g, processor_licensed, created_at)
      select i.sub_target_id, i.record_id, i.recycler_id, i.disposition, i.completed_month, i.weight_kg, i.materials_kg, i.refrigerant_type,
        i.refrigerant_recovered_g, i.processor_licensed, ${stamp.at.toISOString()}::timestamptz
      from input i join claimed c on c.id = i.sub_id order by i.sub_target_id)
    select key_hash from claimed`.execute(db);
  return claimedKeys(claimed);
}
