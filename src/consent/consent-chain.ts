import { createHash } from 'node:crypto';
import { canonicalJson } from '../hub-keys/keyed-hash.ts';

/** The fields of a consent event that its hash covers: everything but the hash itself. */
export interface ChainedConsentEvent {
  subjectId: string;
  seq: number;
  id: string;
  purpose: string;
  action: string;
  status: string;
  policyVersion: number;
  terms: Record<string, unknown>;
  expiresAt: string | null;
  receiptId: string;
  receipt: string;
  createdAt: string;
}

/**
 * SHA-256 over the previous entry's hash and the canonical JSON of this entry. Changing, removing or
 * reordering any entry changes every later hash, so a verifier recomputing the chain names the first
 * broken entry.
 */
export function consentEventHash(previousHash: Uint8Array | null, event: ChainedConsentEvent): Buffer {
  return createHash('sha256')
    .update(previousHash ?? Buffer.alloc(0))
    .update(canonicalJson(event))
    .digest();
}
