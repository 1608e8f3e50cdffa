import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../src/documents/check-document.ts';
import { deprecationOf, DOCUMENT_VERSIONS, parseDocumentVersions, versionRefusal } from '../../src/documents/document-versions.ts';

const V1_END = new Date('2027-07-01T00:00:00+08:00');

describe('the document version catalogue (schema/document-versions.json)', () => {
  it('lists tradein v1 (deprecated, with a window and a successor) and v2; every other kind v1 only', () => {
    expect(DOCUMENT_VERSIONS.get('tradein')?.map((v) => [v.version, v.acceptedUntil?.toISOString() ?? null, v.successor ?? null])).toEqual([
      [1, '2027-06-30T16:00:00.000Z', 2],
      [2, null, null],
    ]);
    for (const kind of ['inspection', 'disposition', 'catalogue', 'wipe_attestation'] as const) {
      expect(DOCUMENT_VERSIONS.get(kind)?.map((v) => v.version)).toEqual([1]);
    }
  });

  it('accepts v1 until the instant its window closes and names kind, version and rule after', () => {
    expect(versionRefusal('tradein', 1, new Date(V1_END.getTime() - 1))).toBeUndefined();
    const refusal = versionRefusal('tradein', 1, V1_END);
    expect(refusal).toMatchObject({ code: 'document.version_not_accepted', kind: 'tradein', version: 1, successor: 2, acceptedUntil: V1_END });
    expect(refusal?.message).toBe('tradein.v1 must be submitted before 2027-06-30T16:00:00.000Z, the end of its acceptance window; submit tradein.v2');
    expect(versionRefusal('tradein', 2, V1_END)).toBeUndefined();
    expect(versionRefusal('tradein', 2, new Date('2026-12-06T15:59:59Z'))).toMatchObject({ code: 'document.version_not_accepted' });
    expect(versionRefusal('inspection', 2, V1_END)).toMatchObject({
      code: 'document.unknown_version',
      message: 'version must be one the standard defines for inspection (1); inspection.v2 is not',
    });
    expect(deprecationOf('tradein', 1, new Date('2026-12-13T00:00:00Z'))).toEqual({ acceptedUntil: V1_END, successor: 2 });
    expect(deprecationOf('tradein', 2, new Date('2026-12-13T00:00:00Z'))).toBeUndefined();
  });

  it('refuses a malformed catalogue naming the entry and the rule', () => {
    const kinds = (tradein: unknown[]) => ({
      kinds: {
        tradein,
        inspection: [{ version: 1, schema: 'inspection.v1.schema.json' }],
        disposition: [{ version: 1, schema: 'disposition.v1.schema.json' }],
        catalogue: [{ version: 1, schema: 'catalogue.v1.schema.json' }],
        wipe_attestation: [{ version: 1, schema: 'wipe-attestation.json' }],
      },
    });
    expect(() => parseDocumentVersions(kinds([{ version: 1, schema: 'tradein.v1.schema.json', acceptedUntil: '2027-07-01' }]))).toThrow(
      'kinds.tradein[0].acceptedUntil must be an ISO 8601 instant with its offset',
    );
    expect(() => parseDocumentVersions(kinds([{ version: 1, schema: 'tradein.v1.schema.json', acceptedUntil: '2027-07-01T00:00:00+08:00' }]))).toThrow(
      'kinds.tradein[0].successor must name the version to move to',
    );
    expect(() => parseDocumentVersions(kinds([{ version: 2, schema: 'tradein.v2.schema.json' }]))).toThrow('must list distinct versions starting with 1');
    expect(() =>
      parseDocumentVersions(kinds([{ version: 1, schema: 'tradein.v1.schema.json', acceptedUntil: '2027-07-01T00:00:00+08:00', successor: 3 }])),
    ).toThrow('successor must be a listed version');
  });
});

describe('the gate for tradein.v2', () => {
  const v2 = {
    externalRef: 'TI-V2-1',
    category: 'refrigerator',
    brand: 'Haier',
    model: 'BCD-470WDPG',
    usageMonths: 64,
    tradeInMonth: '2026-11',
    channel: 'online',
    quotedValuationFen: 120_000,
    subsidyFen: 80_000,
    newPurchase: { category: 'refrigerator', listPriceFen: 599_900, paidPriceFen: 479_900 },
  };

  it('passes a priced v2, which v1 refuses (its schema has no prices)', () => {
    expect(checkDocument('tradein', v2, { version: 2 })).toEqual([]);
    expect(checkDocument('tradein', v2)).toContainEqual(expect.objectContaining({ path: '/newPurchase/listPriceFen', code: 'schema.additionalProperties' }));
  });

  it('refuses a price given as text (a phone number cannot ride in a price) without echoing it', () => {
    const errors = checkDocument('tradein', { ...v2, newPurchase: { ...v2.newPurchase, paidPriceFen: '13812345678' } }, { version: 2 });
    expect(errors).toContainEqual(expect.objectContaining({ path: '/newPurchase/paidPriceFen', code: 'schema.type' }));
    expect(errors).toContainEqual(expect.objectContaining({ path: '/newPurchase/paidPriceFen', code: 'pii.cn_mobile' }));
    expect(JSON.stringify(errors)).not.toContain('13812345678');
  });

  it('refuses paid above list only on a document the schema accepted', () => {
    expect(checkDocument('tradein', { ...v2, newPurchase: { ...v2.newPurchase, paidPriceFen: 600_000 } }, { version: 2 })).toEqual([
      { path: '/newPurchase/paidPriceFen', code: 'tradein.paid_above_list', message: 'must not exceed newPurchase.listPriceFen' },
    ]);
  });
});
