import type { DocumentKind } from '../src/documents/document-kinds.ts';
import type { DocumentsByKind } from '../src/documents/documents.generated.ts';
import type { AdapterVocabularies } from './shared/vocabulary-cells.ts';

/**
 * The contract every adapter folder fulfils: a pure function from one native row (a CSV record keyed by
 * header, or one element of a JSON export) to one standard document. No I/O, no clock, no randomness, so a
 * fixture folder pins its behaviour exactly.
 */

/** One record as the partner's system exported it. Cells are strings (CSV) or JSON values. */
export type NativeRow = Readonly<Record<string, unknown>>;

/** Stable codes of the adapter stage; the push's rejects report and the fixtures name them. */
export type AdapterErrorCode =
  | 'adapter.missing_value'
  | 'adapter.bad_date'
  | 'adapter.dates_out_of_order'
  | 'adapter.bad_price'
  | 'adapter.bad_number'
  | 'adapter.bad_percent'
  | 'adapter.bad_certificate_ref'
  | 'adapter.bad_model_name'
  | 'adapter.inconsistent_values'
  | 'adapter.unknown_category'
  | 'adapter.unknown_channel'
  | 'adapter.unknown_condition'
  | 'adapter.unknown_disposition'
  | 'adapter.unknown_energy_grade'
  | 'adapter.unknown_fault'
  | 'adapter.unknown_refrigerant'
  | 'adapter.unknown_region'
  | 'adapter.unknown_value'
  | 'adapter.unknown_wipe_method'
  | 'adapter.unknown_brand'
  | 'adapter.unknown_grade_value';

/**
 * Why a row could not be mapped: the row (1-based ordinal of the record in the file, header excluded),
 * the native column, a stable code and a lowercase "must …" sentence. Never the cell's value: the rejects
 * report leaves the partner's machine in support tickets and must not carry personal data.
 */
export interface AdapterError {
  row: number;
  column: string;
  code: AdapterErrorCode;
  message: string;
}

export type AdapterResult<K extends DocumentKind = DocumentKind> =
  /** `version`: the document version the row maps to (`schema/document-versions.json`); 1 when absent. */
  { ok: true; document: DocumentsByKind[K]; version?: number } | { ok: false; errors: AdapterError[] };

/** What the partner configures on its own machine; none of it is read from the file. */
export interface AdapterOptions {
  /** The platform party id that inspections and dispositions name in `tradeIn.platform`. */
  platform?: string;
  /**
   * The recycler party id a platform ships its devices to (trade-in adapters): each trade-in names it, so the
   * hub hands the ticket to that recycler at once. Without it the platform hands tickets over itself.
   */
  recycler?: string;
  /** The platform's own HMAC key for subjectRef; without it trade-ins are anonymous. Never sent. */
  subjectKey?: Uint8Array;
  /** A parsed declarative mapping (mapped-csv only). */
  mapping?: unknown;
  /** The hub's vocabularies (brand registry, the recycler's own grades); the shipped ones when absent. */
  vocabularies?: AdapterVocabularies;
}

/** Maps one row; `row` is the 1-based record ordinal used in every error. */
export type RowMapper<K extends DocumentKind = DocumentKind> = (record: NativeRow, row: number) => AdapterResult<K>;

/** An adapter module; the registry says which document kind and input format it belongs to. */
export interface Adapter<K extends DocumentKind = DocumentKind> {
  /** Throws AdapterOptionsError when an option is missing or malformed (checked once, before any row). */
  create(options: AdapterOptions): RowMapper<K>;
}

/** A bad adapter option (a missing platform id, an invalid mapping); its message never holds file data. */
export class AdapterOptionsError extends Error {
  override readonly name = 'AdapterOptionsError';
  readonly code = 'adapter.bad_options';
}
