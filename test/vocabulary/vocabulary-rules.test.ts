import { describe, expect, it } from 'vitest';
import { findPiiInText } from '../../src/privacy/scan-text.ts';
import { brandLookupKey, createBrandRegistry } from '../../src/vocabulary/brand-names.ts';
import { checkDocumentVocabulary } from '../../src/vocabulary/document-vocabulary.ts';
import { resolveGradeValue } from '../../src/vocabulary/grade-vocabularies.ts';
import { isModelNameGrammatical, normaliseModelName } from '../../src/vocabulary/model-names.ts';
import { SHIPPED_BRANDS } from '../../src/vocabulary/shipped-brands.ts';
import { subjectRefProblem } from '../../src/vocabulary/subject-ref-shape.ts';
import { REAL_MODEL_NAMES } from './real-model-names.ts';

const brands = createBrandRegistry(SHIPPED_BRANDS);

describe('brand registry', () => {
  it('resolves Chinese and English names, aliases and ids to one canonical id, ignoring case, width and spacing', () => {
    for (const [text, id] of [
      ['华为', 'huawei'],
      ['HUAWEI', 'huawei'],
      ['Ｈｕａｗｅｉ', 'huawei'],
      ['苹果', 'apple'],
      ['apple', 'apple'],
      ['荣耀', 'honor'],
      ['小天鹅', 'little-swan'],
      ['Little Swan', 'little-swan'],
      ['LITTLE-SWAN', 'little-swan'],
      ['littleswan', 'little-swan'],
      ['红米', 'redmi'],
      ['Redmi', 'redmi'],
      ['一加', 'oneplus'],
      ['One Plus', 'oneplus'],
      ['真我', 'realme'],
      ['三星', 'samsung'],
      ['老板', 'robam'],
      ['宏碁', 'acer'],
      ['佳明', 'garmin'],
      ['Amazfit', 'amazfit'],
      ['iQOO', 'iqoo'],
      ['ｖｉｖｏ', 'vivo'],
    ] as const) {
      expect(brands.resolve(text), text).toBe(id);
    }
  });

  it('holds every brand the samples, the demo and the brief rely on', () => {
    const required = [
      'Apple',
      '华为',
      '荣耀',
      '小米',
      '红米',
      'OPPO',
      'vivo',
      'iQOO',
      '一加',
      '真我',
      '三星',
      '联想',
      '戴尔',
      '惠普',
      '华硕',
      '宏碁',
      '微软',
      '索尼',
      '海尔',
      '美的',
      '格力',
      '海信',
      'TCL',
      '创维',
      '西门子',
      '博世',
      '松下',
      '方太',
      '老板',
      '小天鹅',
      '苏泊尔',
      '九阳',
      '戴森',
      '佳明',
      'Amazfit',
    ];
    expect(required.filter((name) => brands.resolve(name) === undefined)).toEqual([]);
  });

  it('knows no brand that is not registered (unknown brand)', () => {
    for (const text of ['Nokla', '华为手机店', 'Apple 13912345678', '', 'Mr Wang']) expect(brands.resolve(text), text).toBeUndefined();
  });

  it('gives each shipped name to one brand only', () => {
    const owners = new Map<string, string>();
    for (const entry of SHIPPED_BRANDS) {
      for (const name of [entry.id, entry.nameZh, entry.nameEn, ...entry.aliases]) {
        const key = brandLookupKey(name);
        expect(owners.get(key) ?? entry.id, `${name} of ${entry.id}`).toBe(entry.id);
        owners.set(key, entry.id);
      }
    }
  });
});

describe('model names', () => {
  it(`lets ${REAL_MODEL_NAMES.length} real model names of ${new Set(REAL_MODEL_NAMES.map((m) => brands.resolve(m.brand))).size} brands through the grammar and the detectors`, () => {
    expect(REAL_MODEL_NAMES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(REAL_MODEL_NAMES.map((m) => brands.resolve(m.brand))).size).toBeGreaterThanOrEqual(15);
    const refused = REAL_MODEL_NAMES.filter(({ model }) => !isModelNameGrammatical(model) || findPiiInText(model).length > 0);
    expect(refused.map((m) => m.model)).toEqual([]);
  });

  it('refuses names outside the grammar (e-mail, URL, look-alike scripts, punctuation, length)', () => {
    for (const text of ['iPhone@13', 'http://x.cn/13', 'іPhone 13' /* Cyrillic і */, 'Mate 60, Pro', 'Mate#60', '', ' ', '(', 'x'.repeat(65), 'P50;drop']) {
      expect(isModelNameGrammatical(text), text).toBe(false);
    }
  });

  it('matches spellings of one model to one key and splits storage and memory into the spec', () => {
    const key = normaliseModelName('iPhone 13 128GB').key;
    for (const text of ['iphone13 128G', 'ＩＰＨＯＮＥ　１３　１２８ＧＢ', 'iPhone 13 128GB 午夜色', 'iPhone 13 Midnight 128 GB', 'iPhone13']) {
      expect(normaliseModelName(text).key, text).toBe(key);
    }
    expect(normaliseModelName('iPhone 13 128GB')).toMatchObject({ display: 'iPhone 13 128GB', key: 'iphone13', storageGb: 128 });
    expect(normaliseModelName('MatePad 11.5S 柔光版 8+256')).toMatchObject({ key: 'matepad11.5s柔光版', storageGb: 256, ramGb: 8 });
    expect(normaliseModelName('Xiaomi 14 Ultra 16+1T')).toMatchObject({ storageGb: 1024, ramGb: 16 });
    expect(normaliseModelName('WATCH GT 4 41mm 玫瑰金女士款').key).toBe('watchgt441mm女士款');
  });

  it('keeps model codes that only look like storage or colour (distinct models stay distinct)', () => {
    expect(normaliseModelName('KFR-35GW/NhGc1B').key).toBe('kfr-35gw/nhgc1b');
    expect(normaliseModelName('OnePlus 8T').key).toBe('oneplus8t');
    expect(normaliseModelName('Redmi Note 12 Turbo').key).toBe('redminote12turbo');
    expect(normaliseModelName('Nord CE 3 Lite 5G').key).toBe('nordce3lite5g');
    expect(normaliseModelName('iPhone 14').key).not.toBe(normaliseModelName('iPhone 15').key);
  });
});

describe('grade vocabularies', () => {
  it('accepts the values of each scheme in their canonical spelling', () => {
    expect(resolveGradeValue('CTIA', '1 B')).toBe('1 B');
    expect(resolveGradeValue('CTIA', '1b')).toBe('1 B');
    expect(resolveGradeValue('CTIA', '4/D')).toBe('4 D');
    expect(resolveGradeValue('CTIA', 'A')).toBe('A');
    expect(resolveGradeValue('R2_REC', 'f5 c6')).toBe('F5 C6');
    expect(resolveGradeValue('R2_REC', 'C7')).toBe('C7');
    expect(resolveGradeValue('GB_T_45656_2025', 'c')).toBe('C');
    expect(resolveGradeValue('T_TAF_173_2023', 'A+')).toBe('A+');
    expect(resolveGradeValue('PROPRIETARY', '9成新')).toBe('9成新');
    expect(resolveGradeValue('PROPRIETARY', '靓机', new Set(['靓机']))).toBe('靓机');
  });

  it('refuses values outside the scheme (unknown grade value)', () => {
    expect(resolveGradeValue('CTIA', 'E')).toBeUndefined();
    expect(resolveGradeValue('CTIA', '10 A')).toBeUndefined();
    expect(resolveGradeValue('R2_REC', 'F7')).toBeUndefined();
    expect(resolveGradeValue('R2_REC', '1 B')).toBeUndefined();
    expect(resolveGradeValue('GB_T_45656_2025', 'Z')).toBeUndefined();
    expect(resolveGradeValue('PROPRIETARY', '靓机')).toBeUndefined();
    expect(resolveGradeValue('PROPRIETARY', '张伟')).toBeUndefined();
  });
});

describe('subjectRef shapes', () => {
  it('accepts UUIDs, hex of 128+ bits and base64url HMACs', () => {
    for (const ref of [
      '0f8e3c52-9a41-4b7e-8c2d-6a1f0e9b3d74',
      '9c1d4e7f2a8b3c6d5e0f1a2b3c4d5e6f',
      'u7dVq3KpZr0bN2xWm9LhTf4sYc8Ae1Gj',
      'kX3vN9qR2mT7wY4zB8cF1hJ6pL0sD5gA_-eUoIiQ',
      'xq7NwP2d9Lk3Rf8Zt1Vb6Hc0Mj5Ys4Ga_TeUo-WiQpE',
    ]) {
      expect(subjectRefProblem(ref), ref).toBeUndefined();
    }
  });

  it('accepts random pseudonyms whose bytes happen to hold name-, e-mail-, plate- or serial-shaped noise', () => {
    // Random values the earlier rule refused for good (27 of 900,000 sampled: names, e-mails, geohashes,
    // plates and serials in their Latin-1 reading, or valid UTF-8 in other scripts).
    for (const ref of [
      '1a121fba40d42ecfcf3b37753ba1c5c7',
      '6597a970-1acb-4847-8027-40352e754893',
      'WOkJnPHpOZ1BUECyLufYHg',
      '44470ade-b45c-49c7-8378-485f7d570b3e',
      '0b3623d1-9440-47d1-b268-4f2a0d3c5621',
      'f940c0d6-2e41-484a-9ce4-a0a353302a34',
      'z7X-EU79qkBULmxie6Ngdg',
      '3e336501-b35b-4429-ba40-774c2e7563e0',
      '807940e3cc2e41576c535d08e7c2a2fa',
      'eTLfeLP5nHucdgotxzJgrg',
      'f2715e40-c02e-44d3-8f7f-b9fadab6f31c',
      '76580a6b4ce2cdd876b25f3f1663c653',
      '30f786397002da40c447cf2e61ce6204',
      '53e1eb73-0f48-40e9-b22e-675156464452',
      'HKJfdDNk6XIwOWBjx_qqSQ',
      '68b043f9-e040-4a72-baf8-2e6767da340c',
      'yEDc7vYuwM-f0pyFBzjvyg',
      'ba40e72e6a4ad5d5412e1cdda0c581a4',
      '497540e02ef8ee302b223718e12202c4',
      'WAcNXZPpUhnxQMcuzlIZjg',
      'Ci_quMnfMNi8pvTVOARVFQ',
      '69b78b397c762d78b3df323278249376',
      '577c4e71-6c67-46c7-91c2-b0d5953e284c',
      '-_uFRtpAMC72T59S9aTafw',
    ]) {
      expect(subjectRefProblem(ref), ref).toBeUndefined();
    }
  });

  it('refuses other shapes: digits only, too short, separators, patterns', () => {
    for (const ref of [
      '13912345678',
      '110101199003077777',
      'abc123',
      'user@example.com',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'ababababababababababababab',
      '0000000000000000000000000000000a',
    ]) {
      expect(subjectRefProblem(ref), ref).toBe('vocabulary.subject_ref_shape');
    }
  });

  it('refuses a pseudonym that decodes to text or to a personal datum (base64, hex)', () => {
    const encoded = [
      Buffer.from('13912345678 wang wei').toString('base64url'),
      Buffer.from('user.name@example.com').toString('base64url'),
      Buffer.from('Customer: Li Lei, Shanghai').toString('hex'),
      Buffer.from('some customer text').toString('hex'),
      Buffer.from('张伟 13912345678').toString('base64url'),
      Buffer.from('\u0001\u0002 13912345678 \u0003').toString('base64url'),
    ];
    for (const ref of encoded) expect(subjectRefProblem(ref), ref).toBe('vocabulary.subject_ref_decodes');
    // Hex of an ID number has too few distinct digits to be random: refused for its shape already.
    expect(subjectRefProblem(Buffer.from('110101199003077777').toString('hex'))).toBe('vocabulary.subject_ref_shape');
  });
});

describe('checkDocumentVocabulary', () => {
  const vocabularies = { brands, proprietaryGradeValues: new Set<string>() };
  const tradeIn = {
    externalRef: 'A-1',
    category: 'mobile_phone',
    brand: 'HUAWEI',
    model: 'Mate  60 Pro',
    usageMonths: 3,
    tradeInMonth: '2026-01',
    channel: 'online',
    quotedValuationFen: 1,
  };

  it('stores the canonical brand id and the display form of the model', () => {
    expect(checkDocumentVocabulary('tradein', tradeIn, vocabularies)).toEqual({ ok: true, document: { ...tradeIn, brand: 'huawei', model: 'Mate 60 Pro' } });
  });

  it('names the path and the rule of an unknown brand, never the value', () => {
    const result = checkDocumentVocabulary('tradein', { ...tradeIn, brand: 'Wang Wei' }, vocabularies);
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '/brand', code: 'vocabulary.unknown_brand', message: "must be a brand in the hub's brand registry" }],
    });
    expect(JSON.stringify(result)).not.toContain('Wang');
  });
});
