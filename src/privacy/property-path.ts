/**
 * JSON Pointer paths for findings. A property name is part of the sender's document and may itself
 * be personal data (`{"13812345678": …}`, `{"张伟": …}`), so a name is echoed in a path only when
 * it is a plain ASCII identifier that no detector matches. A name a detector matches becomes
 * `~personal`; any other non-identifier name becomes `~invalid-key`. Neither is a valid pointer
 * escape, so a placeholder cannot be mistaken for a real property.
 */
import { findPiiInText } from './scan-text.ts';

export const INVALID_KEY_TOKEN = '~invalid-key';
export const PERSONAL_KEY_TOKEN = '~personal';

const SAFE_PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// Array indices: a batch holds at most a few thousand documents, a document a few hundred items. A
// longer run of digits in a path is treated as a name (and a phone number is one).
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,5})$/;

/**
 * True when `name` may appear verbatim in a finding's path: 1–64 ASCII letters, digits and
 * underscores, not starting with a digit, and matched by no PII detector. Never throws.
 */
export function isEchoablePropertyName(name: string): boolean {
  return SAFE_PROPERTY_NAME.test(name) && findPiiInText(name).length === 0;
}

/**
 * The pointer token to show for property `name`: the name itself (escaped per RFC 6901) when it
 * is echoable, `~personal` when a detector matches it, otherwise `~invalid-key`. Never throws.
 */
export function displayTokenForProperty(name: string): string {
  if (findPiiInText(name).length > 0) return PERSONAL_KEY_TOKEN;
  return SAFE_PROPERTY_NAME.test(name) ? escapePointerToken(name) : INVALID_KEY_TOKEN;
}

/**
 * Re-checks every token of a JSON Pointer that is about to leave the hub (an error, a report line,
 * a log field): array indices, placeholders and echoable names stay, anything else becomes a
 * placeholder as in `displayTokenForProperty`. Idempotent; the empty pointer stays empty. Works on
 * the text alone, so it also cleans pointers built by code that did not check names (ajv's paths,
 * a hub's answer read back by `push`). Never throws.
 */
export function echoSafePointer(pointer: string): string {
  if (pointer === '') return '';
  const tokens = pointer.split('/').slice(1);
  let safe = '';
  for (const token of tokens) {
    if (ARRAY_INDEX.test(token) || token === INVALID_KEY_TOKEN || token === PERSONAL_KEY_TOKEN) safe += `/${token}`;
    else safe += `/${displayTokenForProperty(unescapePointerToken(token))}`;
  }
  return safe;
}

/**
 * A label taken from a partner's file (a column header) made safe to print: kept when no detector
 * matches it and it is at most 64 characters, `~personal` otherwise. Never throws.
 */
export function echoSafeLabel(label: string): string {
  if (label.length > 64 || findPiiInText(label).length > 0) return PERSONAL_KEY_TOKEN;
  return label;
}

/**
 * A request's URL path made safe to log: each segment (percent-decoded) that a detector matches, or
 * that is longer than 64 characters, becomes `~personal`. `/graphql` and `/bulk/tradein` are kept;
 * `/bulk/13812345678` is not. Never throws.
 */
export function echoSafeUrlPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (segment === '' ? segment : echoSafeLabel(decodedSegment(segment)) === PERSONAL_KEY_TOKEN ? PERSONAL_KEY_TOKEN : segment))
    .join('/');
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is scanned as written
  }
}

/** Escapes one RFC 6901 reference token ('~' → '~0', '/' → '~1'). Never throws. */
export function escapePointerToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerToken(token: string): string {
  if (!token.includes('~')) return token;
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
