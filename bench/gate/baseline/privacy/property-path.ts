/**
 * JSON Pointer paths for findings. A property name is part of the sender's document and may itself
 * be personal data (`{"13812345678": …}`, `{"张伟": …}`), so a name is echoed in a path only when
 * it is a plain ASCII identifier that no detector matches; any other name becomes `~invalid-key`
 * (not a valid pointer escape, so it cannot be mistaken for a real property).
 */
import { findPiiInText } from './scan-text.ts';

export const INVALID_KEY_TOKEN = '~invalid-key';

const SAFE_PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * True when `name` may appear verbatim in a finding's path: 1–64 ASCII letters, digits and
 * underscores, not starting with a digit, and matched by no PII detector. Never throws.
 */
export function isEchoablePropertyName(name: string): boolean {
  return SAFE_PROPERTY_NAME.test(name) && findPiiInText(name).length === 0;
}

/**
 * The pointer token to show for property `name`: the name itself (escaped per RFC 6901) when it
 * is echoable, otherwise `~invalid-key`. Never throws.
 */
export function displayTokenForProperty(name: string): string {
  return isEchoablePropertyName(name) ? escapePointerToken(name) : INVALID_KEY_TOKEN;
}

/** Escapes one RFC 6901 reference token ('~' → '~0', '/' → '~1'). Never throws. */
export function escapePointerToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
