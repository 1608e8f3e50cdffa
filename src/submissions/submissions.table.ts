import type { DocumentKind } from '../documents/document-kinds.ts';

export interface SubmissionsTable {
  party_id: string;
  kind: DocumentKind;
  /** The document version it was sent as (`schema/document-versions.json`). */
  version: number;
  /** HMAC of the party's externalRef (or the catalogue's brand + model) under the hub secret. */
  key_hash: Buffer;
  id: string;
  /** SHA-256 of the canonical document, to tell a replay from a conflicting reuse of the key. */
  content_hash: Buffer;
  ticket_id: string | null;
  target_id: string | null;
  batch_id: string;
  created_at: Date;
}

export interface IngestBatchesTable {
  id: string;
  party_id: string;
  kind: DocumentKind;
  channel: 'graphql' | 'bulk';
  received_at: Date;
  item_count: number;
  accepted_count: number;
  rejected_count: number;
}
