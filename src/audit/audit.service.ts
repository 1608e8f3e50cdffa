import { consentEventHash } from '../consent/consent-chain.ts';
import { streamConsentEvents } from '../consent/consent.repository.ts';
import type { Db } from '../db/database.ts';
import { checkChainLink, type ChainBreak } from './access-log-chain.ts';
import { contentOf, streamAccessLog } from './access-log.repository.ts';
import { streamConsentsProjection } from './checkpoint.repository.ts';
import { firstProjectionDifference, replayConsentEvents, type LedgerEvent, type ProjectedConsent, type ProjectionDifference } from './consent-projection.ts';

export interface AuditReport {
  entries: number;
  firstBreak: ChainBreak | undefined;
}

/**
 * Recomputes the access log's hash chain from the first entry and reports the first broken one (edited,
 * removed or reordered), or none. Reads the log a page at a time, so it runs on a log of any length.
 */
export async function verifyAccessLog(db: Db): Promise<AuditReport> {
  let previous: { seq: number; hash: Uint8Array } | null = null;
  let entries = 0;
  for await (const row of streamAccessLog(db)) {
    const content = contentOf(row);
    const broken = checkChainLink(previous, { content, prevHash: row.prev_hash, hash: row.hash });
    if (broken !== undefined) return { entries, firstBreak: broken };
    previous = { seq: content.seq, hash: row.hash };
    entries++;
  }
  return { entries, firstBreak: undefined };
}

export interface ConsentChainBreak {
  subjectId: string;
  seq: number;
  reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'sequence_gap';
}

/**
 * Recomputes every subject's consent chain (each event hashes the previous event of the same subject) and
 * reports the first broken event, or none. Streams the ledger in (subject, seq) order.
 */
export async function verifyConsentLedger(db: Db): Promise<{ events: number; firstBreak: ConsentChainBreak | undefined }> {
  let previous: { subjectId: string; seq: number; hash: Buffer } | null = null;
  let events = 0;
  for await (const row of streamConsentEvents(db)) {
    const sameSubject: boolean = previous !== null && previous.subjectId === row.subject_id;
    const expectedSeq: number = sameSubject ? previous!.seq + 1 : 1;
    const prevHash: Buffer | null = sameSubject ? previous!.hash : null;
    const stored = { subjectId: row.subject_id, seq: row.seq };
    if (row.seq !== expectedSeq) return { events, firstBreak: { ...stored, reason: 'sequence_gap' } };
    const storedPrev = row.prev_hash === null ? null : Buffer.from(row.prev_hash);
    if ((storedPrev === null) !== (prevHash === null) || (storedPrev !== null && !storedPrev.equals(prevHash!))) {
      return { events, firstBreak: { ...stored, reason: 'previous_hash_mismatch' } };
    }
    const hash = consentEventHash(prevHash, {
      subjectId: row.subject_id,
      seq: row.seq,
      id: row.id,
      purpose: row.purpose,
      action: row.action,
      status: row.status,
      policyVersion: row.policy_version,
      terms: row.terms,
      expiresAt: row.expires_at?.toISOString() ?? null,
      receiptId: row.receipt_id,
      receipt: row.receipt,
      createdAt: row.created_at.toISOString(),
    });
    if (!hash.equals(Buffer.from(row.hash))) return { events, firstBreak: { ...stored, reason: 'hash_mismatch' } };
    previous = { subjectId: row.subject_id, seq: row.seq, hash };
    events++;
  }
  return { events, firstBreak: undefined };
}

/**
 * Replays the consent ledger subject by subject and compares the `consents` projection — what queries
 * actually read — row by row; names the first difference (a row edited, added or removed behind the
 * ledger's back), or none. Both sides stream in subject order, so it runs on a ledger of any size.
 */
export async function verifyConsentProjection(db: Db): Promise<{ rows: number; firstDifference: ProjectionDifference | undefined }> {
  const events = streamConsentEvents(db)[Symbol.asyncIterator]();
  const projection = streamConsentsProjection(db)[Symbol.asyncIterator]();
  let nextEvent = await events.next();
  let nextRow = await projection.next();
  let rows = 0;
  while (!nextEvent.done || !nextRow.done) {
    // The smaller subject id of the two streams' heads (uuid text order is PostgreSQL's uuid order).
    const subjectId = nextEvent.done
      ? nextRow.value!.subject_id
      : nextRow.done
        ? nextEvent.value.subject_id
        : [nextEvent.value.subject_id, nextRow.value.subject_id].sort()[0]!;
    const subjectEvents: LedgerEvent[] = [];
    while (!nextEvent.done && nextEvent.value.subject_id === subjectId) {
      subjectEvents.push(nextEvent.value);
      nextEvent = await events.next();
    }
    const stored = new Map<string, ProjectedConsent>();
    while (!nextRow.done && nextRow.value.subject_id === subjectId) {
      const row = nextRow.value;
      stored.set(row.purpose, {
        purpose: row.purpose,
        status: row.status,
        eventId: row.event_id,
        grantedAt: row.granted_at?.toISOString() ?? null,
        expiresAt: row.expires_at?.toISOString() ?? null,
        updatedAt: row.updated_at.toISOString(),
      });
      nextRow = await projection.next();
    }
    const difference = firstProjectionDifference(subjectId, replayConsentEvents(subjectEvents), stored);
    if (difference !== undefined) return { rows, firstDifference: difference };
    rows += stored.size;
  }
  return { rows, firstDifference: undefined };
}
