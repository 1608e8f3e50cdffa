import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryDelayMs } from '../../src/push/retry-policy.ts';

const POLICY = { attempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('retryDelayMs', () => {
  it('doubles from the base delay, jittered between half and all of it', () => {
    expect(retryDelayMs(1, POLICY, undefined, () => 1)).toBe(500);
    expect(retryDelayMs(3, POLICY, undefined, () => 1)).toBe(2000);
    expect(retryDelayMs(3, POLICY, undefined, () => 0)).toBe(1000);
  });

  it('never waits longer than the cap, even when the server asks for more', () => {
    expect(retryDelayMs(20, POLICY, undefined, () => 1)).toBe(30_000);
    expect(retryDelayMs(1, POLICY, 3600, () => 1)).toBe(30_000);
  });

  it("honours a server's longer Retry-After", () => {
    expect(retryDelayMs(1, POLICY, 5, () => 1)).toBe(5000);
  });
});

describe('isRetryableStatus', () => {
  it('retries 5xx, 408 and 429', () => {
    for (const status of [500, 502, 503, 504, 408, 429]) expect(isRetryableStatus(status)).toBe(true);
  });

  it('does not retry other 4xx (the request itself is wrong)', () => {
    for (const status of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(status)).toBe(false);
  });
});
