import type { ConsentAction, StoredConsentStatus } from './consent-states.ts';

/** Append-only, hash-chained per subject; never updated or deleted. */
export interface ConsentEventsTable {
  subject_id: string;
  seq: number;
  /** bigint: the event's place in the whole consent ledger, global and gap-free (not covered by the hash). */
  position: string;
  id: string;
  purpose: string;
  action: ConsentAction;
  status: StoredConsentStatus;
  policy_version: number;
  terms: Record<string, unknown>;
  expires_at: Date | null;
  receipt_id: string;
  receipt: string;
  prev_hash: Uint8Array | null;
  hash: Uint8Array;
  created_at: Date;
}

/** The ledger's projection: the current status per subject × purpose, kept in the same transaction. */
export interface ConsentsTable {
  subject_id: string;
  purpose: string;
  status: StoredConsentStatus;
  event_id: string;
  granted_at: Date | null;
  expires_at: Date | null;
  updated_at: Date;
}
