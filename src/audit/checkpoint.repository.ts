import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { CheckpointChain } from './checkpoint.ts';

export interface AuditCheckpointRow {
  id: string;
  chain: CheckpointChain;
  length: string;
  head_hash: string;
  signed_at: Date;
  jws: string;
}

/** The access log's entry at `seq` (its hash), if it is still there. */
export async function accessLogHashAt(db: DbOrTx, seq: number): Promise<Uint8Array | undefined> {
  const { rows } = await sql<{ hash: Uint8Array }>`select hash from access_log where seq = ${String(seq)}`.execute(db);
  return rows[0]?.hash;
}

/** The access log's last entry, read as the chain head the appends lock (one consistent snapshot). */
export async function accessLogHead(db: DbOrTx): Promise<{ length: number; hash: Uint8Array | null }> {
  const { rows } = await sql<{ seq: string; hash: Uint8Array }>`select seq, hash from access_log order by seq desc limit 1`.execute(db);
  return rows[0] === undefined ? { length: 0, hash: null } : { length: Number(rows[0].seq), hash: rows[0].hash };
}

/** Consent events created before `until`. */
export async function countConsentEventsBefore(db: DbOrTx, until: Date): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from consent_events where created_at < ${until}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Each subject's newest consent event created before `until`, in subject order, a page at a time. */
export async function* streamConsentHeadsBefore(
  db: DbOrTx,
  until: Date,
  pageSize = 5000,
): AsyncGenerator<{ subjectId: string; seq: number; hash: Uint8Array }> {
  let after: string | null = null;
  for (;;) {
    const { rows }: { rows: { subject_id: string; seq: number; hash: Uint8Array }[] } = await sql<{ subject_id: string; seq: number; hash: Uint8Array }>`
      select distinct on (subject_id) subject_id, seq, hash from consent_events
      where created_at < ${until} ${after === null ? sql`` : sql`and subject_id > ${after}::uuid`}
      order by subject_id, seq desc limit ${pageSize}`.execute(db);
    for (const row of rows) yield { subjectId: row.subject_id, seq: row.seq, hash: row.hash };
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.subject_id;
  }
}

export async function insertCheckpoint(db: DbOrTx, row: AuditCheckpointRow): Promise<void> {
  await sql`insert into audit_checkpoints (id, chain, length, head_hash, signed_at, jws)
    values (${row.id}, ${row.chain}, ${row.length}, ${row.head_hash}, ${row.signed_at}, ${row.jws})`.execute(db);
}

/** The newest checkpoints first. */
export async function listCheckpoints(db: DbOrTx, first: number): Promise<AuditCheckpointRow[]> {
  const { rows } = await sql<AuditCheckpointRow>`select id, chain, length, head_hash, signed_at, jws from audit_checkpoints
    order by signed_at desc, chain limit ${first}`.execute(db);
  return rows;
}

/** Every consents projection row in (subject, purpose) order, a page at a time. */
export async function* streamConsentsProjection(db: DbOrTx, pageSize = 5000): AsyncGenerator<ConsentsProjectionRow> {
  let after: { subjectId: string; purpose: string } | null = null;
  for (;;) {
    const page = await sql<ConsentsProjectionRow>`
      select subject_id, purpose, status, event_id, granted_at, expires_at, updated_at from consents
      ${after === null ? sql`` : sql`where (subject_id, purpose) > (${after.subjectId}::uuid, ${after.purpose})`}
      order by subject_id, purpose limit ${pageSize}`.execute(db);
    const rows: ConsentsProjectionRow[] = page.rows;
    yield* rows;
    if (rows.length < pageSize) return;
    const last: ConsentsProjectionRow = rows.at(-1)!;
    after = { subjectId: last.subject_id, purpose: last.purpose };
  }
}

export interface ConsentsProjectionRow {
  subject_id: string;
  purpose: string;
  status: string;
  event_id: string;
  granted_at: Date | null;
  expires_at: Date | null;
  updated_at: Date;
}
