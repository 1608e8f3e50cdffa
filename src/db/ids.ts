import { v7 as uuidv7 } from 'uuid';
import { randomPoolBytes } from '../hub-keys/random-pool.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a UUID in canonical text form. Ids from callers are checked before they reach a `uuid` column,
 * so a malformed one is answered like an unknown one instead of failing inside the database.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// uuid v7 ids (RFC 9562: 48-bit milliseconds, then a 31-bit sequence that starts random each millisecond and
// counts up within it, so ids one process makes are ordered), laid out by the `uuid` package, with their
// randomness from the pool: a per-call CSPRNG draw was the largest cost in preparing a trade-in
// (src/hub-keys/random-pool.ts). The package keeps this state itself only when it draws its own bytes.
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
  return uuidv7({ random, msecs: v7State.msecs, seq: v7State.seq });
}
