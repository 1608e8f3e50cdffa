import { checkDocument } from '../../src/documents/check-document.ts';
import { echoSafePointer } from '../../src/privacy/property-path.ts';
import { describe, expect, it } from 'vitest';
import type { ExemptionKind } from '../../src/privacy/privacy-finding.ts';
import { scanDocument } from '../../src/privacy/scan-document.ts';
import { MAX_JSON_DEPTH } from '../../src/privacy/walk-json.ts';
import { CATALOGUE } from './pii-generators.ts';

const MOBILE = '13812345678';
const SERIAL = 'F2LXK0ABHG7F';
const HASH = 'd41d8cd98f00b204e9800998ecf8427e';
const LONG_TOKEN = '12345678901234567890';
const AS_OF = new Date(Date.UTC(2026, 0, 15));

const cleanTradeIn = {
  category: 'mobile_phone',
  brand: 'Apple',
  model: 'iPhone 14 Pro 256GB',
  spec: { storageGb: 256, ramGb: 6 },
  usageMonths: 26,
  tradeInMonth: '2025-04',
  regionCode: '320200',
  channel: 'door_to_door',
  quotedValuationFen: 390000,
  newPurchase: { category: 'mobile_phone', energyGrade: 1 },
  externalRef: 'TI20250409415683',
  subjectRef: 'u0386074',
};

const exemptions = new Map<string, ExemptionKind>([
  ['/externalRef', 'keyed-hash'],
  ['/subjectRef', 'pseudonym'],
  ['/dataWipe/certificateRef', 'opaque'],
  ['/faults', 'opaque'],
]);

describe('scanDocument', () => {
  it('passes a clean trade-in document', () => {
    expect(scanDocument(cleanTradeIn, { exemptions, asOf: AS_OF })).toEqual([]);
  });

  it('passes every catalogue entry as a catalogue document', () => {
    for (const entry of CATALOGUE) {
      expect(scanDocument({ brand: entry.brand, model: entry.model, category: entry.category, launchMonth: '2021-09' })).toEqual([]);
    }
  });

  it('reports values by JSON Pointer, with array indices, in document order', () => {
    const doc = { ...cleanTradeIn, spec: { storageGb: `x ${MOBILE}` }, faults: ['glass_cracked', 'no_power', `call ${MOBILE}`] };
    expect(scanDocument(doc, { asOf: AS_OF }).map((finding) => [finding.path, finding.code])).toEqual([
      ['/spec/storageGb', 'pii.cn_mobile'],
      ['/externalRef', 'pii.long_digit_run'],
      ['/faults/2', 'pii.cn_mobile'],
    ]);
  });

  it('shows a property name containing "/" or "~" as ~invalid-key, yet matches its escaped exemption key', () => {
    expect(scanDocument({ 'a/b': MOBILE })[0]?.path).toBe('/~invalid-key');
    expect(scanDocument({ 'a/b': LONG_TOKEN }, { exemptions: new Map([['/a~1b', 'opaque']]) })).toEqual([]);
  });

  it('writes a lowercase "must not contain" message naming the kind of data', () => {
    const [finding] = scanDocument({ model: `x ${MOBILE}` });
    expect(finding).toEqual({ path: '/model', code: 'pii.cn_mobile', message: 'must not contain a mainland mobile number' });
  });

  it('scans numbers as their decimal text (a phone number sent as a JSON number)', () => {
    expect(scanDocument({ quotedValuationFen: Number(MOBILE) }).map((finding) => finding.code)).toEqual(['pii.cn_mobile']);
    expect(scanDocument({ quotedValuationFen: 390000 })).toEqual([]);
  });

  it('returns at most one finding per path and detector', () => {
    const findings = scanDocument({ model: `${MOBILE} and ${MOBILE} and 13912345678` });
    expect(findings).toHaveLength(1);
  });

  it('reports several detectors on the same path separately', () => {
    const codes = scanDocument({ model: `${MOBILE} a@b.cn` }).map((finding) => finding.code);
    expect(codes).toEqual(['pii.cn_mobile', 'pii.email']);
  });

  describe('exemptions', () => {
    it('lets a keyed-hash field hold an identifier-shaped reference, but not personal data (twin)', () => {
      const options = { exemptions };
      expect(scanDocument({ externalRef: LONG_TOKEN }, options)).toEqual([]);
      expect(scanDocument({ externalRef: 'TI20250414936901' }, options)).toEqual([]);
      expect(scanDocument({ externalRef: `${LONG_TOKEN} a@b.cn` }, options).map((f) => f.code)).toEqual(['pii.email']);
      expect(scanDocument({ externalRef: MOBILE }, options).map((f) => f.code)).toEqual(['pii.cn_mobile']);
      expect(scanDocument({ otherRef: `${LONG_TOKEN} a@b.cn` }, options).map((f) => f.code)).toEqual(['pii.email', 'pii.long_digit_run']);
    });

    it('skips only the identifier-shape detectors on a pseudonym-length value of a pseudonym field', () => {
      expect(scanDocument({ subjectRef: HASH }, { exemptions })).toEqual([]);
      expect(scanDocument({ subjectRef: `${SERIAL}${SERIAL}` }, { exemptions })).toEqual([]);
      expect(scanDocument({ subjectRef: LONG_TOKEN }, { exemptions })).toEqual([]);
      expect(scanDocument({ subjectRef: MOBILE }, { exemptions }).map((f) => f.code)).toEqual(['pii.cn_mobile']);
      expect(scanDocument({ subjectRef: 'a@b.cn' }, { exemptions }).map((f) => f.code)).toEqual(['pii.email']);
    });

    it('skips only the identifier-shape detectors on an opaque field, and only long_digit_run on a short value (twin)', () => {
      const doc = { dataWipe: { certificateRef: `${SERIAL}-${SERIAL}` }, faults: [HASH, LONG_TOKEN] };
      expect(scanDocument(doc, { exemptions })).toEqual([]);
      expect(scanDocument({ dataWipe: { certificateRef: SERIAL } }, { exemptions }).map((f) => f.code)).toEqual(['pii.serial_number']);
      const withPhone = { dataWipe: { certificateRef: `x${MOBILE}x` } };
      expect(scanDocument(withPhone, { exemptions }).map((f) => [f.path, f.code])).toEqual([['/dataWipe/certificateRef', 'pii.cn_mobile']]);
    });

    it('applies an exemption to its exact field only, not to fields nested below or beside it', () => {
      expect(scanDocument({ dataWipe: { certificateRef: { inner: SERIAL } } }, { exemptions }).map((f) => f.path)).toEqual(['/dataWipe/certificateRef/inner']);
      expect(scanDocument({ dataWipe: { tool: SERIAL } }, { exemptions }).map((f) => f.path)).toEqual(['/dataWipe/tool']);
    });
  });

  describe('isKnownModel', () => {
    it('suppresses serial_number for an exactly known model, and reports it otherwise (twin)', () => {
      const isKnownModel = (text: string): boolean => text === 'AB1CD2EF3GH4';
      expect(scanDocument({ model: 'AB1CD2EF3GH4' }, { isKnownModel })).toEqual([]);
      expect(scanDocument({ model: 'AB1CD2EF3GH4' }).map((f) => f.code)).toEqual(['pii.serial_number']);
    });

    it('does not suppress any other detector for a known model', () => {
      const isKnownModel = (): boolean => true;
      expect(scanDocument({ model: MOBILE }, { isKnownModel }).map((f) => f.code)).toEqual(['pii.cn_mobile']);
    });
  });

  describe('property names', () => {
    it('replaces a property name that is personal data by ~personal in every path that passes it, schema errors included', () => {
      const errors = checkDocument('tradein', { externalRef: 'DEMO-TI-0000001', a13812345678: 1, spec: { 张伟: 2 } });
      const paths = errors.map((error) => error.path);
      expect(paths).toContain('/~personal');
      expect(paths).toContain('/spec/~personal');
      expect(JSON.stringify(errors)).not.toMatch(/13812345678|张伟/);
    });

    it('keeps array indices and standard property names in paths (twin)', () => {
      expect(echoSafePointer('/faults/3')).toBe('/faults/3');
      expect(echoSafePointer('/dataWipe/certificateRef')).toBe('/dataWipe/certificateRef');
      expect(echoSafePointer('/13812345678/x')).toBe('/~personal/x');
      expect(echoSafePointer('/~invalid-key/0')).toBe('/~invalid-key/0');
    });

    it('reports a property name that suggests personal data, at the property path', () => {
      const findings = scanDocument({ ...cleanTradeIn, contactPhone: 'withheld' }, { exemptions });
      expect(findings).toEqual([{ path: '/contactPhone', code: 'pii.property_name', message: 'must not use a property name that suggests personal data' }]);
    });

    it('runs the detectors on property names and never echoes a name that contains personal data', () => {
      const findings = scanDocument({ spec: { [MOBILE]: 1, [`_${SERIAL}`]: 2 } });
      expect(findings.map((f) => [f.path, f.code])).toEqual([
        ['/spec/~personal', 'pii.cn_mobile'],
        ['/spec/~personal', 'pii.serial_number'],
      ]);
      expect(JSON.stringify(findings)).not.toContain(MOBILE);
      expect(JSON.stringify(findings)).not.toContain(SERIAL);
    });

    it('replaces non-identifier names in the paths of value findings too', () => {
      expect(scanDocument({ 订单: { 备注: `call ${MOBILE}` } }).map((f) => [f.path, f.code])).toEqual([
        ['/~invalid-key/~invalid-key', 'pii.property_name'],
        ['/~invalid-key/~invalid-key', 'pii.cn_mobile'],
      ]);
    });
  });

  it('never puts any part of a value into its output', () => {
    const values = [MOBILE, SERIAL, HASH, 'zhang.wei@example.com', '京A12345', '江苏省无锡市科技园路189号', '收货人：马洋', '31.2304, 121.4737'];
    const doc = { faults: values.map((value) => `x ${value} y`), 张伟: values[0] };
    const output = JSON.stringify(scanDocument(doc));
    for (const value of values) expect(output).not.toContain(value);
    expect(output).not.toContain('张伟');
    expect(output).not.toMatch(/马洋|科技园|zhang|[0-9]{4}/);
  });

  it('refuses documents nested deeper than the limit (and cyclic objects) with a RangeError', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
    expect(() => scanDocument(deep)).toThrow(RangeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => scanDocument(cyclic)).toThrow(RangeError);
  });

  it('walks a document exactly at the depth limit (twin)', () => {
    let deep: unknown = MOBILE;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) deep = [deep];
    expect(scanDocument(deep).map((f) => f.code)).toEqual(['pii.cn_mobile']);
  });
});
