/**
 * What the privacy gate reports. A finding names where (a JSON Pointer) and what kind of personal
 * data was seen, and never carries the value: a rejected document must leave no trace of the
 * personal data it contained, not even in an error message or a log line.
 */
export interface PrivacyFinding {
  /** JSON Pointer of the offending value or property, e.g. `/spec/storageGb`, `/faults/2`. */
  readonly path: string;
  /** `pii.<detector id>` for a value, `pii.property_name` for a property name. */
  readonly code: string;
  /** Lowercase "must not contain …" sentence naming the kind of data, never the data. */
  readonly message: string;
}

/**
 * How a field that legitimately carries an identifier-like value is treated:
 * - `keyed-hash`: the hub stores only an HMAC of the value, so no detector runs on it;
 * - `pseudonym`: a platform-scoped pseudonym; only the identifier-shape detectors are skipped;
 * - `opaque`: a random token (e.g. a wipe certificate reference); same skips as `pseudonym`.
 */
export type ExemptionKind = 'keyed-hash' | 'pseudonym' | 'opaque';

export const PROPERTY_NAME_CODE = 'pii.property_name';
export const PROPERTY_NAME_MESSAGE = 'must not use a property name that suggests personal data';
