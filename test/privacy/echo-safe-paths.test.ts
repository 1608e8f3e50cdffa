import { describe, expect, it } from 'vitest';
import { echoSafeLabel, echoSafePointer, echoSafeUrlPath } from '../../src/privacy/property-path.ts';

describe('echoSafeUrlPath', () => {
  it('keeps the hub routes as they are', () => {
    for (const path of ['/graphql', '/bulk/tradein', '/healthz', '/web/assets/index-3f2a.js', '/']) expect(echoSafeUrlPath(path)).toBe(path);
  });

  it('replaces a segment that is personal data, also percent-encoded (twin)', () => {
    expect(echoSafeUrlPath('/bulk/13812345678')).toBe('/bulk/~personal');
    expect(echoSafeUrlPath('/x/%E5%BC%A0%E4%BC%9F%E7%9A%84%E6%89%8B%E6%9C%BA')).toBe('/x/~personal');
    expect(echoSafeUrlPath('/a/user%40example.com')).toBe('/a/~personal');
  });
});

describe('echoSafePointer and echoSafeLabel', () => {
  it('is idempotent and leaves indices and standard names', () => {
    const pointer = '/orders/12/dataWipe/certificateRef';
    expect(echoSafePointer(pointer)).toBe(pointer);
    expect(echoSafePointer(echoSafePointer('/13812345678'))).toBe('/~personal');
  });

  it('replaces a label (a column header) that is personal data, and keeps an ordinary one (twin)', () => {
    expect(echoSafeLabel('质检员电话')).toBe('质检员电话');
    expect(echoSafeLabel('13812345678')).toBe('~personal');
    expect(echoSafeLabel('收货人：马洋')).toBe('~personal');
  });
});
