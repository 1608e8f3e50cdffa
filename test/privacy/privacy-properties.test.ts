import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanDocument } from '../../src/privacy/scan-document.ts';
import { findPiiInText } from '../../src/privacy/scan-text.ts';
import {
  BRAND_NAMES,
  CATALOGUE,
  ENUM_VALUES,
  MODEL_CODES,
  bankCard,
  email,
  generatedCleanString,
  hostString,
  imei,
  insertAt,
  legitimateValue,
  licencePlate,
  mobileNumber,
  render,
  residentId18,
  separatorChoices,
  valueForm,
} from './pii-generators.ts';

const NUM_RUNS = 500;
const AS_OF = new Date(Date.UTC(2026, 0, 15));

const PERSONAL_DATA: ReadonlyArray<readonly [string, fc.Arbitrary<string>]> = [
  ['a mainland mobile number', mobileNumber],
  ['an 18-digit resident ID', residentId18],
  ['an IMEI', imei],
  ['a bank card number', bankCard],
  ['an e-mail address', email],
  ['a licence plate', licencePlate],
];

describe('privacy gate (properties)', () => {
  for (const [label, value] of PERSONAL_DATA) {
    it(`catches ${label} inserted at any position of any string, in raw, full-width and separated form`, () => {
      fc.assert(
        fc.property(hostString, value, valueForm, separatorChoices, fc.nat(), (host, raw, form, choices, position) => {
          const written = render(raw, form, choices);
          const text = insertAt(host, written, position);
          const findings = scanDocument({ model: text }, { asOf: AS_OF });
          expect(findings.length).toBeGreaterThan(0);
          const output = JSON.stringify(findings);
          expect(output).not.toContain(raw);
          expect(output).not.toContain(written);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }

  it('catches the same values at any depth and reports only the path, never the value', () => {
    fc.assert(
      fc.property(fc.oneof(mobileNumber, residentId18, imei, bankCard, email, licencePlate), legitimateValue, fc.nat(), (raw, host, position) => {
        const doc = { spec: { storageGb: 128 }, faults: ['ok', 'ok', insertAt(host, raw, position)], grade: 'B' };
        const findings = scanDocument(doc, { asOf: AS_OF });
        expect(findings.length).toBeGreaterThan(0);
        expect(findings.every((finding) => finding.path === '/faults/2')).toBe(true);
        expect(JSON.stringify(findings)).not.toContain(raw);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never flags a catalogue model, brand or category', () => {
    for (const entry of CATALOGUE) {
      expect(findPiiInText(entry.model), entry.model).toEqual([]);
      expect(findPiiInText(entry.brand), entry.brand).toEqual([]);
      expect(findPiiInText(entry.category), entry.category).toEqual([]);
    }
  });

  it('never flags known model codes, enum values or Chinese brand names', () => {
    for (const text of [...MODEL_CODES, ...ENUM_VALUES, ...BRAND_NAMES]) expect(findPiiInText(text), text).toEqual([]);
  });

  it('never flags a legitimate value or month', () => {
    fc.assert(
      fc.property(legitimateValue, (text) => {
        expect(findPiiInText(text)).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never flags generated clean strings made of models, spec words, sizes and enum values', () => {
    fc.assert(
      fc.property(generatedCleanString, (text) => {
        expect(scanDocument({ model: text })).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never flags a hub-issued ticket (UUID)', () => {
    fc.assert(
      fc.property(fc.uuid(), (ticket) => {
        expect(scanDocument({ ticket })).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
