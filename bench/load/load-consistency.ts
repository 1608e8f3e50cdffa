import pg from 'pg';
import { keyedHash } from '../../src/hub-keys/keyed-hash.ts';
import { subjectIdFor } from '../../src/subjects/subject-id.ts';
import type { ConsentLedger } from './load-operations.ts';
import { LOAD_PLATFORM } from './load-seed.ts';

/** What the database holds after a load, against what the load was told. Every count but the totals must be 0. */
export interface LoadConsistency {
  /** Acknowledged trade-ins (the seed's included) with no submission. */
  ingestLost: number;
  /** Records or tickets beyond one per stored submission, subject links beyond the documents that named a user, records without exactly one ticket. */
  ingestDuplicated: number;
  /** Stored trade-ins that were neither acknowledged nor in flight when the load stopped. */
  ingestUnexplained: number;
  /** In-flight trade-ins that were stored anyway (the hub finished them after the load generator stopped): allowed. */
  ingestStoredFromInFlight: number;
  /** Churn users whose stored consent is not the state of their last acknowledged change (or of the change in flight at the end). */
  consentStateMismatches: number;
  /** Churn users whose consent ledger holds a number of events other than the seed's plus the acknowledged changes (+1 for one in flight). */
  consentEventMismatches: number;
  /** 0 when the access log grew by the insights answers acknowledged (plus at most those in flight); else the growth minus them. */
  accessLogMismatch: number;
  totals: { submissions: number; records: number; tickets: number; recordSubjects: number; consentEvents: number; accessLog: number };
}

export async function accessLogCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('select count(*) as n from access_log')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Waits until no hub connection to the load database is inside a statement or a transaction. */
export async function waitForQuietDatabase(url: string, timeoutMs = 60_000): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const database = new URL(url).pathname.slice(1);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend' and state <> 'idle'`,
        [database],
      );
      if (Number(rows[0]!.n) === 0) return;
      if (Date.now() > deadline) throw new Error('the hubs kept working for a minute after the load stopped');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

/**
 * Compares the database with what the load generator was answered: every acknowledged trade-in stored
 * once (looked up by the keyed hash of its externalRef), nothing stored that nobody sent, each churn
 * user's consent equal to its last acknowledged change, its ledger one event per change.
 */
export async function checkLoadConsistency(
  url: string,
  options: {
    secret: Buffer;
    acknowledgedRefs: readonly string[];
    acknowledgedWithSubject: number;
    inFlightRefs: readonly string[];
    consent: ConsentLedger;
    seedEventsPerChurnSubject: number;
    accessLogBefore: number;
    insightsAcknowledged: number;
    insightsInFlight: number;
  },
): Promise<LoadConsistency> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const keysOf = (refs: readonly string[]) => [...new Set(refs)].map((ref) => keyedHash(options.secret, 'submission', LOAD_PLATFORM, 'tradein', ref));
    const present = async (refs: readonly string[]) =>
      refs.length === 0
        ? 0
        : Number(
            (
              await client.query<{ n: string }>(
                `select count(*) as n from submissions where party_id = $1 and kind = 'tradein' and key_hash = any($2::bytea[])`,
                [LOAD_PLATFORM, keysOf(refs)],
              )
            ).rows[0]!.n,
          );
    const acknowledged = new Set(options.acknowledgedRefs).size;
    const acknowledgedPresent = await present(options.acknowledgedRefs);
    const inFlightPresent = await present(options.inFlightRefs);
    const {
      rows: [t],
    } = await client.query<Record<'submissions' | 'records' | 'tickets' | 'links' | 'odd' | 'events' | 'log', string>>(`
      select (select count(*) from submissions where kind = 'tradein') as submissions, (select count(*) from records) as records,
             (select count(*) from tickets) as tickets, (select count(*) from record_subjects) as links,
             (select count(*) from records r left join (select record_id, count(*) as n from tickets group by record_id) x on x.record_id = r.id where coalesce(x.n, 0) <> 1) as odd,
             (select count(*) from consent_events) as events, (select count(*) from access_log) as log`);
    const totals = {
      submissions: Number(t!.submissions),
      records: Number(t!.records),
      tickets: Number(t!.tickets),
      recordSubjects: Number(t!.links),
      consentEvents: Number(t!.events),
      accessLog: Number(t!.log),
    };
    const stored = acknowledgedPresent + inFlightPresent;
    // In-flight documents carry a subject every other one; at most all of them.
    const linksAllowed = options.acknowledgedWithSubject + inFlightPresent;

    let consentStateMismatches = 0;
    let consentEventMismatches = 0;
    for (const [subjectRef, lastAcknowledged] of options.consent.state) {
      const subjectId = subjectIdFor(options.secret, LOAD_PLATFORM, subjectRef);
      const { rows } = await client.query<{ status: string | null; events: string }>(
        `select (select status from consents where subject_id = $1 and purpose = 'product-rnd') as status,
                (select count(*) from consent_events where subject_id = $1 and purpose = 'product-rnd') as events`,
        [subjectId],
      );
      const inFlight = options.consent.inFlight.get(subjectRef);
      const status = rows[0]!.status;
      if (status !== lastAcknowledged && status !== inFlight) consentStateMismatches += 1;
      const expectedEvents = options.seedEventsPerChurnSubject + (options.consent.acknowledgedChanges.get(subjectRef) ?? 0);
      const events = Number(rows[0]!.events);
      if (events !== expectedEvents && !(inFlight !== undefined && events === expectedEvents + 1)) consentEventMismatches += 1;
    }
    const logged = totals.accessLog - options.accessLogBefore;
    return {
      ingestLost: acknowledged - acknowledgedPresent,
      ingestDuplicated:
        Math.max(0, totals.records - totals.submissions) +
        Math.max(0, totals.tickets - totals.submissions) +
        Math.max(0, totals.recordSubjects - linksAllowed) +
        Number(t!.odd),
      ingestUnexplained: Math.max(0, totals.submissions - stored),
      ingestStoredFromInFlight: inFlightPresent,
      consentStateMismatches,
      consentEventMismatches,
      accessLogMismatch:
        logged < options.insightsAcknowledged || logged > options.insightsAcknowledged + options.insightsInFlight ? logged - options.insightsAcknowledged : 0,
      totals,
    };
  } finally {
    await client.end();
  }
}

/**
 * After a phase: a churn user's change that was in flight when the generator stopped either committed or
 * not; the next phase starts from what the database says.
 */
export async function settleConsentInFlight(url: string, secret: Buffer, consent: ConsentLedger): Promise<void> {
  if (consent.inFlight.size === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const [subjectRef, target] of consent.inFlight) {
      const { rows } = await client.query<{ status: string }>(`select status from consents where subject_id = $1 and purpose = 'product-rnd'`, [
        subjectIdFor(secret, LOAD_PLATFORM, subjectRef),
      ]);
      if (rows[0]?.status === target) {
        consent.state.set(subjectRef, target);
        consent.acknowledgedChanges.set(subjectRef, (consent.acknowledgedChanges.get(subjectRef) ?? 0) + 1);
      }
    }
    consent.inFlight.clear();
  } finally {
    await client.end();
  }
}
