/**
 * What PostgreSQL cannot store, or stores only to fail later: checked on every argument value (and inside
 * every JSON document) before anything reaches the database, so such a value is a typed refusal instead of
 * a driver error. Pure.
 */
export type UnstorableRule = 'nul_character' | 'lone_surrogate' | 'string_too_long' | 'number_out_of_range';

/**
 * The longest string accepted anywhere in an argument, in UTF-8 bytes: far above any real purpose,
 * reference, cursor or document field, and below the ~2,700 bytes a B-tree index entry may hold.
 */
export const MAX_STRING_BYTES = 1024;

export const UNSTORABLE_MESSAGES: Readonly<Record<UnstorableRule, string>> = {
  nul_character: 'must not contain the NUL character (U+0000)',
  lone_surrogate: 'must be well-formed Unicode (no lone surrogate code units)',
  string_too_long: `must be at most ${MAX_STRING_BYTES} bytes of UTF-8`,
  number_out_of_range: `must be a finite number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
};

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why one string cannot be stored, or undefined. */
export function unstorableString(text: string): UnstorableRule | undefined {
  if (text.includes('\u0000')) return 'nul_character';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  // Cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 > MAX_STRING_BYTES && Buffer.byteLength(text, 'utf8') > MAX_STRING_BYTES) return 'string_too_long';
  return undefined;
}

/** Why one number cannot be stored, or undefined (a JSON 1e400 parses to Infinity). */
export function unstorableNumber(value: number): UnstorableRule | undefined {
  return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? undefined : 'number_out_of_range';
}

/**
 * The first value inside `value` (strings, numbers, object keys, at any depth) that cannot be stored, or
 * undefined. Iterative, so a deeply nested document cannot exhaust the stack.
 */
export function findUnstorable(value: unknown): UnstorableRule | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      const rule = unstorableString(next);
      if (rule !== undefined) return rule;
    } else if (typeof next === 'number') {
      const rule = unstorableNumber(next);
      if (rule !== undefined) return rule;
    } else if (typeof next === 'bigint') {
      if (next > BigInt(Number.MAX_SAFE_INTEGER) || next < -BigInt(Number.MAX_SAFE_INTEGER)) return 'number_out_of_range';
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        pending.push(key, item);
      }
    }
  }
  return undefined;
}
