import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../src/documents/check-document.ts';
import { scanDocument } from '../../src/privacy/scan-document.ts';
import { findPiiInText } from '../../src/privacy/scan-text.ts';
import { LEAKS, LEAK_KINDS, SPLIT_LEAKS, needlesOf } from './leak-corpus.ts';
import { LEGITIMATE_VALUES, MODELS_BY_BRAND } from './legitimate-corpus.ts';

const AS_OF = new Date(Date.UTC(2026, 11, 7));

describe('red-team corpus (pure)', () => {
  it('is as large and as broad as issue #11 asks', () => {
    expect(LEAKS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(LEAKS.map((leak) => leak.kind))).toEqual(new Set(LEAK_KINDS));
    expect(LEGITIMATE_VALUES.length).toBeGreaterThanOrEqual(500);
    expect(Object.keys(MODELS_BY_BRAND).length).toBeGreaterThanOrEqual(15);
  });

  it('flags every leak on its own', () => {
    const missed = LEAKS.filter((leak) => findPiiInText(leak.text, { asOf: AS_OF }).length === 0).map((leak) => leak.id);
    expect(missed).toEqual([]);
  });

  it('flags every leak in a document, and the findings carry none of it', () => {
    for (const leak of LEAKS) {
      const findings = scanDocument({ brand: 'Apple', model: leak.text, tradeInMonth: '2026-10' }, { asOf: AS_OF });
      expect(findings.length, leak.id).toBeGreaterThan(0);
      const output = JSON.stringify(findings);
      for (const needle of needlesOf(leak)) expect(output, leak.id).not.toContain(needle);
    }
  });

  it('flags every value split across two neighbouring fields, whichever comes first', () => {
    for (const split of SPLIT_LEAKS) {
      const [first, second] = split.parts;
      for (const document of [
        { model: first, colour: second },
        { colour: second, model: first },
      ]) {
        expect(scanDocument(document, { asOf: AS_OF }).length, split.id).toBeGreaterThan(0);
      }
    }
  });

  it('flags no legitimate value, alone or in a model field (twin)', () => {
    const refused = LEGITIMATE_VALUES.filter((value) => findPiiInText(value, { asOf: AS_OF }).length > 0);
    expect(refused).toEqual([]);
    const refusedInDocuments = LEGITIMATE_VALUES.filter(
      (value) => scanDocument({ brand: 'Apple', model: value, tradeInMonth: '2026-10', regionCode: '110000' }, { asOf: AS_OF }).length > 0,
    );
    expect(refusedInDocuments).toEqual([]);
  });

  it('finds no split value between any two legitimate values that meet at digits, in either order (twin)', () => {
    const endsInDigit = LEGITIMATE_VALUES.filter((value) => /[0-9]\W{0,3}$/.test(value));
    const startsWithDigit = LEGITIMATE_VALUES.filter((value) => /^\W{0,3}[0-9]/.test(value));
    const refused: string[] = [];
    for (const first of endsInDigit) {
      for (const second of startsWithDigit) {
        if (scanDocument({ model: first, colour: second }, { asOf: AS_OF }).length > 0) refused.push(`${first} | ${second}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('refuses no legitimate model as the model of an otherwise valid trade-in at the gate', () => {
    const refused: string[] = [];
    for (const [brand, models] of Object.entries(MODELS_BY_BRAND)) {
      for (const model of models) {
        const errors = checkDocument(
          'tradein',
          {
            externalRef: 'TI20250414936901',
            category: 'mobile_phone',
            brand,
            model,
            usageMonths: 24,
            tradeInMonth: '2026-10',
            channel: 'online',
            quotedValuationFen: 100_000,
            regionCode: '440300',
          },
          { asOf: AS_OF },
        );
        if (errors.some((error) => error.code.startsWith('pii.'))) refused.push(model);
      }
    }
    expect(refused).toEqual([]);
  });
});

// Further variants: a leak's base value re-written with random separators, fillers and surroundings.
const separator = fc.constantFrom(' ', '-', '.', '/', '_', ',', '·', '\u200b', '\u3000', '\u3164', '转', '  ', ' - ');
const surroundings = fc.constantFrom('', 'iPhone ', '型号 ', 'Mate 60 Pro ', '备用 ', 'x');
const digitLeak = fc.constantFrom(...LEAKS.filter((leak) => /^\d+$/.test(leak.base)).map((leak) => leak.base));
const numerals = ['〇一二三四五六七八九', '零壹贰叁肆伍陆柒捌玖', '０１２３４５６７８９'];

describe('red-team variants (properties)', () => {
  it('flags a digit datum cut into groups by any separators, in any digit script, inside any text', () => {
    fc.assert(
      fc.property(
        digitLeak,
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.array(separator, { minLength: 5, maxLength: 5 }),
        fc.nat(numerals.length),
        surroundings,
        surroundings,
        (base, cuts, separators, script, before, after) => {
          let written = '';
          let position = 0;
          cuts.forEach((cut, index) => {
            if (position >= base.length) return;
            written += base.slice(position, position + cut) + (separators[index] ?? ' ');
            position += cut;
          });
          written += base.slice(position);
          const digits = numerals[script];
          if (digits !== undefined) written = written.replace(/[0-9]/g, (d) => digits[Number(d)]!);
          const text = `${before}${written}${after}`;
          expect(findPiiInText(text, { asOf: AS_OF }).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('flags any leak wrapped in one or two layers of base64, URL or HTML encoding', () => {
    const encoders = [
      (text: string) => Buffer.from(text, 'utf8').toString('base64'),
      (text: string) => Buffer.from(text, 'utf8').toString('base64url'),
      (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
      (text: string) => [...text].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...LEAKS.filter((leak) => leak.id.endsWith('/raw'))),
        fc.array(fc.nat(encoders.length - 1), { minLength: 1, maxLength: 2 }),
        (leak, layers) => {
          const text = layers.reduce((written, layer) => encoders[layer]!(written), leak.text);
          expect(findPiiInText(text, { asOf: AS_OF }).length, leak.id).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('flags no legitimate value joined to another with a space, in any order (twin)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LEGITIMATE_VALUES), fc.constantFrom(...LEGITIMATE_VALUES), (first, second) => {
        expect(scanDocument({ model: first, colour: second }, { asOf: AS_OF })).toEqual([]);
      }),
      { numRuns: 3_000 },
    );
  });
});
