import { v7 as uuidv7, validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { isUuid, newId } from '../../src/db/ids.ts';
import { randomPoolBytes } from '../../src/hub-keys/random-pool.ts';

describe('newId', () => {
  it('makes valid uuid v7 ids with the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newId();
      expect(isUuid(id) && validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect('89ab').toContain(id[19]);
    }
  });

  it('orders the ids one process makes, and never repeats one', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carries the current millisecond, as the uuid package does', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const msecs = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(after + 1);
    // The same layout as the package's: an id made just after sorts after one the package made just before.
    const packageId = uuidv7({ msecs: before - 1, seq: 0 });
    expect(id > packageId).toBe(true);
  });
});

describe('randomPoolBytes', () => {
  it('serves fresh bytes across pool refills, never the same draw twice', () => {
    const draws = Array.from({ length: 3000 }, () => randomPoolBytes(16).toString('hex'));
    expect(new Set(draws).size).toBe(draws.length);
    expect(draws.every((hex) => hex.length === 32)).toBe(true);
    // Not a zeroed pool: bytes are spread over the whole range.
    const bytes = Buffer.from(draws.join(''), 'hex');
    expect(new Set(bytes).size).toBeGreaterThan(250);
  });

  it('refuses draws larger than it serves', () => {
    expect(() => randomPoolBytes(257)).toThrow(RangeError);
  });
});
