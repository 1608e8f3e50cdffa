import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ConsentEventsTable, ConsentsTable } from './consent.table.ts';

/**
 * Locks the subject's vault row for the rest of the transaction (creating it if this user never traded in
 * through the hub yet), so two consent changes of one subject are chained one after the other. The lock
 * stays on one subject's shard.
 */
export async function lockSubject(db: DbOrTx, subject: { id: string; platformId: string; subjectRefSealed: Buffer; now: Date }): Promise<void> {
  await sql`insert into subjects (id, platform_id, subject_ref_sealed, created_at)
            values (${subject.id}, ${subject.platformId}, ${subject.subjectRefSealed}, ${subject.now}) on conflict (id) do nothing`.execute(db);
  await sql`select id from subjects where id = ${subject.id} for update`.execute(db);
}

export async function findLastConsentEvent(db: DbOrTx, subjectId: string): Promise<{ seq: number; hash: Buffer } | undefined> {
  const row = await db
    .selectFrom('consent_events')
    .select(['seq', 'hash'])
    .where('subject_id', '=', subjectId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { seq: row.seq, hash: Buffer.from(row.hash) };
}

export async function findConsent(db: DbOrTx, subjectId: string, purpose: string): Promise<ConsentsTable | undefined> {
  return db.selectFrom('consents').selectAll().where('subject_id', '=', subjectId).where('purpose', '=', purpose).executeTakeFirst();
}

export async function listConsents(db: DbOrTx, subjectId: string): Promise<ConsentsTable[]> {
  return db.selectFrom('consents').selectAll().where('subject_id', '=', subjectId).orderBy('purpose').execute();
}

/**
 * The next position of the whole consent ledger, taken under the counter's row lock (held until this
 * transaction commits), so positions are gap-free and commit in order. Through a security-definer function:
 * the counter lives where no serving role reads, and tells nobody whose events the others are.
 */
export async function nextConsentPosition(db: DbOrTx): Promise<string> {
  const { rows } = await sql<{ position: string }>`select hub_consent_position_next()::text as position`.execute(db);
  return rows[0]!.position;
}

export async function insertConsentEvent(db: DbOrTx, event: ConsentEventsTable): Promise<void> {
  await db.insertInto('consent_events').values({ ...event, terms: JSON.stringify(event.terms) as never }).execute();
}

/** Writes the projection row for (subject, purpose) from the event just appended. */
export async function upsertConsent(db: DbOrTx, row: ConsentsTable): Promise<void> {
  await db
    .insertInto('consents')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['subject_id', 'purpose']).doUpdateSet({
        status: row.status, event_id: row.event_id, granted_at: row.granted_at, expires_at: row.expires_at, updated_at: row.updated_at,
      }),
    )
    .execute();
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
