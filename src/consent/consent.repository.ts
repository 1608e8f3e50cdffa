import { sql } from 'kysely';
import { bulkInsert, unnestRows, type BulkColumn } from '../db/bulk-insert.ts';
import type { DbOrTx } from '../db/database.ts';
import type { ConsentEventsTable, ConsentsTable } from './consent.table.ts';

/**
 * Locks the subjects' vault rows for the rest of the transaction (creating those of users who never traded
 * in through the hub yet), so two consent changes of one subject are chained one after the other. One
 * insert of the missing rows, then one `for update` over all of them in id order — the order every caller
 * takes, so two transactions never wait on each other in a cycle. Each lock stays on one subject's shard.
 */
export async function lockSubjects(db: DbOrTx, subjects: readonly { id: string; platformId: string; subjectRefSealed: Buffer; now: Date }[]): Promise<void> {
  if (subjects.length === 0) return;
  await bulkInsert(
    db,
    'subjects',
    [
      { name: 'id', type: 'uuid', value: (s) => s.id },
      { name: 'platform_id', type: 'text', value: (s) => s.platformId },
      { name: 'subject_ref_sealed', type: 'bytea', value: (s) => s.subjectRefSealed },
      { name: 'created_at', type: 'timestamptz', value: (s) => s.now },
    ],
    subjects,
    { onConflictDoNothing: ['id'] },
  );
  await sql`select id from subjects where id = any(${subjects.map((s) => s.id)}::uuid[]) order by id for update`.execute(db);
}

/** Each subject's last event (seq, hash), absent when it has no event yet. */
export async function findLastConsentEvents(db: DbOrTx, subjectIds: readonly string[]): Promise<Map<string, { seq: number; hash: Buffer }>> {
  if (subjectIds.length === 0) return new Map();
  const { rows } = await sql<{ subject_id: string; seq: number; hash: Uint8Array }>`
    select distinct on (subject_id) subject_id, seq, hash from consent_events
    where subject_id = any(${subjectIds}::uuid[]) order by subject_id, seq desc`.execute(db);
  return new Map(rows.map((row) => [row.subject_id, { seq: row.seq, hash: Buffer.from(row.hash) }]));
}

/** The projection rows of many subjects (every purpose they answered). */
export async function findConsentsOf(db: DbOrTx, subjectIds: readonly string[]): Promise<ConsentsTable[]> {
  if (subjectIds.length === 0) return [];
  return db
    .selectFrom('consents')
    .selectAll()
    .where(sql<boolean>`subject_id = any(${subjectIds}::uuid[])`)
    .execute();
}

export async function listConsents(db: DbOrTx, subjectId: string): Promise<ConsentsTable[]> {
  return db.selectFrom('consents').selectAll().where('subject_id', '=', subjectId).orderBy('purpose').execute();
}

/**
 * The next `count` positions of the whole consent ledger, ascending, taken under the counter's row lock
 * (held until this transaction commits), so positions are gap-free and commit in order. One statement: the
 * function runs once per row, each call seeing the previous call's update. Through a security-definer
 * function: the counter lives where no serving role reads, and tells nobody whose events the others are.
 */
export async function nextConsentPositions(db: DbOrTx, count: number): Promise<string[]> {
  if (count === 0) return [];
  const { rows } = await sql<{ position: string }>`
    select hub_consent_position_next()::text as position from generate_series(1, ${count}::integer)`.execute(db);
  return rows.map((row) => row.position).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

const EVENT_COLUMNS: BulkColumn<ConsentEventsTable>[] = [
  { name: 'subject_id', type: 'uuid', value: (e) => e.subject_id },
  { name: 'seq', type: 'integer', value: (e) => e.seq },
  { name: 'position', type: 'bigint', value: (e) => e.position },
  { name: 'id', type: 'uuid', value: (e) => e.id },
  { name: 'purpose', type: 'text', value: (e) => e.purpose },
  { name: 'action', type: 'text', value: (e) => e.action },
  { name: 'status', type: 'text', value: (e) => e.status },
  { name: 'policy_version', type: 'integer', value: (e) => e.policy_version },
  { name: 'terms', type: 'jsonb', value: (e) => e.terms },
  { name: 'expires_at', type: 'timestamptz', value: (e) => e.expires_at },
  { name: 'receipt_id', type: 'uuid', value: (e) => e.receipt_id },
  { name: 'receipt', type: 'text', value: (e) => e.receipt },
  { name: 'prev_hash', type: 'bytea', value: (e) => e.prev_hash },
  { name: 'hash', type: 'bytea', value: (e) => e.hash },
  { name: 'created_at', type: 'timestamptz', value: (e) => e.created_at },
];

/** Appends many events in one statement (their order in the array is their chain and position order). */
export async function insertConsentEvents(db: DbOrTx, events: readonly ConsentEventsTable[]): Promise<void> {
  await bulkInsert(db, 'consent_events', EVENT_COLUMNS, events);
}

const PROJECTION_COLUMNS: BulkColumn<ConsentsTable>[] = [
  { name: 'subject_id', type: 'uuid', value: (r) => r.subject_id },
  { name: 'purpose', type: 'text', value: (r) => r.purpose },
  { name: 'status', type: 'text', value: (r) => r.status },
  { name: 'event_id', type: 'uuid', value: (r) => r.event_id },
  { name: 'granted_at', type: 'timestamptz', value: (r) => r.granted_at },
  { name: 'expires_at', type: 'timestamptz', value: (r) => r.expires_at },
  { name: 'updated_at', type: 'timestamptz', value: (r) => r.updated_at },
];

/**
 * Writes the projection rows for (subject, purpose) from the events just appended, in one statement — so
 * the analytic store's statement triggers on `consents` run once for the batch. At most one row per
 * (subject, purpose): a statement may not update a row twice.
 */
export async function upsertConsents(db: DbOrTx, rows: readonly ConsentsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into consents (subject_id, purpose, status, event_id, granted_at, expires_at, updated_at)
    select subject_id, purpose, status, event_id, granted_at, expires_at, updated_at from ${unnestRows(PROJECTION_COLUMNS, rows)} as x
    on conflict (subject_id, purpose) do update set status = excluded.status, event_id = excluded.event_id,
      granted_at = excluded.granted_at, expires_at = excluded.expires_at, updated_at = excluded.updated_at`.execute(db);
}

/** The subject's receipts, newest first. */
export async function listConsentEvents(db: DbOrTx, subjectId: string, limit: number): Promise<ConsentEventsTable[]> {
  return db.selectFrom('consent_events').selectAll().where('subject_id', '=', subjectId).orderBy('seq', 'desc').limit(limit).execute();
}

/** Every event of every subject in chain order, for verification. */
export async function* streamConsentEvents(db: DbOrTx, pageSize = 5000): AsyncGenerator<ConsentEventsTable> {
  let after: { subjectId: string; seq: number } | undefined;
  for (;;) {
    let query = db.selectFrom('consent_events').selectAll().orderBy('subject_id').orderBy('seq').limit(pageSize);
    if (after !== undefined) {
      const { subjectId, seq } = after;
      query = query.where((eb) => eb.or([eb('subject_id', '>', subjectId), eb.and([eb('subject_id', '=', subjectId), eb('seq', '>', seq)])]));
    }
    const rows = await query.execute();
    yield* rows;
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { subjectId: last.subject_id, seq: last.seq };
  }
}
