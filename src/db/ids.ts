import { randomPoolBytes } from '../hub-keys/random-pool.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a UUID in canonical text form. Ids from callers are checked before they reach a `uuid` column,
 * so a malformed one is answered like an unknown one instead of failing inside the database.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// uuid v7 ids as the `uuid` package makes them (RFC 9562: 48-bit milliseconds, then a 31-bit sequence
// that starts random each millisecond and counts up within it, so ids one process makes are ordered), with
// their randomness from the pool: a per-call CSPRNG draw was the largest cost in preparing a trade-in
// (src/hub-keys/random-pool.ts).
const v7State = { msecs: -Infinity, seq: 0 };

/** A new uuid v7, monotonic within this process's calls. */
export function newId(): string {
  const random = randomPoolBytes(16);
  const now = Date.now();
  if (now > v7State.msecs) {
    v7State.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    v7State.msecs = now;
  } else {
    v7State.seq = (v7State.seq + 1) | 0;
    // The sequence ran over within one millisecond: borrow the next one, as the uuid package does.
    if (v7State.seq === 0) v7State.msecs++;
  }
  const { msecs, seq } = v7State;
  const b = Buffer.allocUnsafe(16);
  b[0] = (msecs / 0x10000000000) & 0xff;
  b[1] = (msecs / 0x100000000) & 0xff;
  b[2] = (msecs / 0x1000000) & 0xff;
  b[3] = (msecs / 0x10000) & 0xff;
  b[4] = (msecs / 0x100) & 0xff;
  b[5] = msecs & 0xff;
  b[6] = 0x70 | ((seq >>> 28) & 0x0f);
  b[7] = (seq >>> 20) & 0xff;
  b[8] = 0x80 | ((seq >>> 14) & 0x3f);
  b[9] = (seq >>> 6) & 0xff;
  b[10] = ((seq << 2) & 0xff) | (random[10]! & 0x03);
  random.copy(b, 11, 11, 16);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
