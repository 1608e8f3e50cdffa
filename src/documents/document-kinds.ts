/**
 * The standard document kinds, in the order a device's journey produces them (catalogue aside); a notary's
 * wipe attestation comes last, added beside the four of the first standard.
 */
export const DOCUMENT_KINDS = ['tradein', 'inspection', 'disposition', 'catalogue', 'wipe_attestation'] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const SCHEMA_BASE = 'https://tradein-hub.org/schema/';

/** `$id` of the schema that holds the shared enumerations and shapes. */
export const DEFS_SCHEMA_ID = `${SCHEMA_BASE}defs.schema.json`;

/** `$id` of each kind's schema; the last path segment is also its file name in `schema/`. */
export const DOCUMENT_SCHEMA_IDS: Readonly<Record<DocumentKind, string>> = Object.freeze({
  tradein: `${SCHEMA_BASE}tradein.v1.schema.json`,
  inspection: `${SCHEMA_BASE}inspection.v1.schema.json`,
  disposition: `${SCHEMA_BASE}disposition.v1.schema.json`,
  catalogue: `${SCHEMA_BASE}catalogue.v1.schema.json`,
  wipe_attestation: `${SCHEMA_BASE}wipe-attestation.json`,
});

/** Narrows an untrusted string (a CLI argument, a folder name) to a document kind. */
export function isDocumentKind(value: string): value is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(value);
}
