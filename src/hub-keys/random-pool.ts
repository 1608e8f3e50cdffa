import { randomFillSync } from 'node:crypto';

// Each call into the CSPRNG has a fixed cost that dwarfs the bytes it returns: measured on this project's
// 2-core machine, a 12- or 16-byte `randomBytes`/`getRandomValues` took ~20 µs, so an ingest batch's four
// draws per trade-in (three uuid v7 ids, one AES-GCM nonce) cost more than its JSON Schema and PII scan.
// Filling a pool once per 16 KiB makes a draw a copy; Node's own `crypto.randomUUID` caches entropy the
// same way. Bytes leave the pool once, copied, and are never reused.
const POOL_BYTES = 16 * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `length` (≤ 256) fresh random bytes from the CSPRNG, in a new Buffer. */
export function randomPoolBytes(length: number): Buffer {
  if (length > 256) throw new RangeError('randomPoolBytes serves at most 256 bytes per draw');
  if (offset + length > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + length));
  // Zeroed as it is used, so no drawn value stays behind in the pool.
  pool.fill(0, offset, offset + length);
  offset += length;
  return bytes;
}
