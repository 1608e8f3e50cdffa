/**
 * The `consents` projection (current state per subject × purpose, what queries read) replayed from the
 * consent ledger: each purpose's newest event decides its status, event, expiry and time; the grant time
 * is the newest grant's. Pure: audit.service.ts streams both sides and compares them row by row.
 */
export interface ProjectedConsent {
  purpose: string;
  status: string;
  eventId: string;
  grantedAt: string | null;
  expiresAt: string | null;
  updatedAt: string;
}

export interface LedgerEvent {
  purpose: string;
  status: string;
  id: string;
  expires_at: Date | null;
  created_at: Date;
}

/** One subject's events, in seq order, folded into the projection rows they must leave behind. */
export function replayConsentEvents(events: readonly LedgerEvent[]): Map<string, ProjectedConsent> {
  const rows = new Map<string, ProjectedConsent>();
  for (const event of events) {
    const previous = rows.get(event.purpose);
    rows.set(event.purpose, {
      purpose: event.purpose,
      status: event.status,
      eventId: event.id,
      grantedAt: event.status === 'granted' ? event.created_at.toISOString() : (previous?.grantedAt ?? null),
      expiresAt: event.expires_at?.toISOString() ?? null,
      updatedAt: event.created_at.toISOString(),
    });
  }
  return rows;
}

export interface ProjectionDifference {
  subjectId: string;
  purpose: string;
  /** `missing`: the ledger has it, the projection not; `unexplained`: the reverse; else the first differing column. */
  field: 'missing' | 'unexplained' | 'status' | 'event_id' | 'granted_at' | 'expires_at' | 'updated_at';
}

const COLUMNS: readonly [keyof ProjectedConsent, ProjectionDifference['field']][] = [
  ['status', 'status'],
  ['eventId', 'event_id'],
  ['grantedAt', 'granted_at'],
  ['expiresAt', 'expires_at'],
  ['updatedAt', 'updated_at'],
];

/** The first difference between one subject's replayed and stored rows, by purpose, or undefined. */
export function firstProjectionDifference(
  subjectId: string,
  expected: ReadonlyMap<string, ProjectedConsent>,
  stored: ReadonlyMap<string, ProjectedConsent>,
): ProjectionDifference | undefined {
  const purposes = [...new Set([...expected.keys(), ...stored.keys()])].sort();
  for (const purpose of purposes) {
    const want = expected.get(purpose);
    const have = stored.get(purpose);
    if (have === undefined) return { subjectId, purpose, field: 'missing' };
    if (want === undefined) return { subjectId, purpose, field: 'unexplained' };
    const column = COLUMNS.find(([key]) => want[key] !== have[key]);
    if (column !== undefined) return { subjectId, purpose, field: column[1] };
  }
  return undefined;
}
