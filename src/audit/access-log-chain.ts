import { createHash } from 'node:crypto';
import { canonicalJson } from '../hub-keys/keyed-hash.ts';

/** What an access-log entry's hash covers: every field but the hash itself, in a fixed JSON form. */
export interface AccessLogEntryContent {
  seq: number;
  id: string;
  partyId: string | null;
  purpose: string;
  policyId: string | null;
  policyVersion: number | null;
  decision: 'allow' | 'deny';
  matchedRules: string[];
  request: Record<string, unknown>;
  rowsReleased: number;
  rowsSuppressed: number;
  subjectsCounted: number;
  priceFen: number;
  createdAt: string;
}

/**
 * SHA-256 over the previous entry's hash and this entry's canonical JSON. Editing, deleting or reordering
 * any entry breaks every later link, and `tradein-hub audit verify` names the first entry that no longer
 * matches.
 */
export function accessLogEntryHash(previousHash: Uint8Array | null, entry: AccessLogEntryContent): Buffer {
  return createHash('sha256')
    .update(previousHash ?? Buffer.alloc(0))
    .update(canonicalJson(entry))
    .digest();
}

export interface ChainBreak {
  seq: number;
  reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'sequence_gap';
}

/**
 * Checks one stored entry against the entry before it (null for the first): its place in the sequence,
 * its link to the previous hash, and its own hash. Pure; the caller walks the chain in order and stops at
 * the first break it reports.
 */
export function checkChainLink(
  previous: { seq: number; hash: Uint8Array } | null,
  entry: { content: AccessLogEntryContent; prevHash: Uint8Array | null; hash: Uint8Array },
): ChainBreak | undefined {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (entry.content.seq !== expectedSeq) return { seq: entry.content.seq, reason: 'sequence_gap' };
  if (!sameBytes(entry.prevHash, previous?.hash ?? null)) return { seq: entry.content.seq, reason: 'previous_hash_mismatch' };
  if (!sameBytes(accessLogEntryHash(previous?.hash ?? null, entry.content), entry.hash)) return { seq: entry.content.seq, reason: 'hash_mismatch' };
  return undefined;
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}
