import { createHash, createHmac } from 'node:crypto';

/**
 * HMAC-SHA256 of the parts, joined with NUL so ('a','bc') and ('ab','c') never collide. Used for values
 * the hub must recognise again but never store (a party's externalRef, a subject's pseudonym): with the
 * secret out of the database, a leaked table cannot be brute-forced back to order numbers.
 */
export function keyedHash(secret: Uint8Array, ...parts: string[]): Buffer {
  return createHmac('sha256', secret).update(parts.join('\u0000')).digest();
}

/** SHA-256 of a JSON value with object keys sorted, so equal documents hash equally whatever their key order. */
export function canonicalContentHash(value: unknown): Buffer {
  return createHash('sha256').update(canonicalJson(value)).digest();
}

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Derives a UUID-shaped id from a keyed hash (version nibble 8: custom, RFC 9562 §5.8). */
export function uuidFromHash(hash: Uint8Array): string {
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
