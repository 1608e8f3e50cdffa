import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanDocument } from '../../src/privacy/scan-document.ts';

const exemptions = new Map([
  ['/subjectRef', 'pseudonym' as const],
  ['/certificateRef', 'opaque' as const],
]);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('scanDocument on pseudonyms and opaque tokens', () => {
  it('never flags a random base64url pseudonym, as a platform HMAC produces', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 }), (token) => {
        expect(scanDocument({ subjectRef: token }, { exemptions })).toEqual([]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('still flags a phone number hidden in a pseudonym (denied twin)', () => {
    expect(scanDocument({ subjectRef: 'uAbCdEf13912345678GhIjKlMn' }, { exemptions })).toContainEqual(
      expect.objectContaining({ path: '/subjectRef', code: 'pii.cn_mobile' }),
    );
  });
});
