import { describe, expect, it } from 'vitest';
import { foldForDetection, joinSeparatedDigits, prepareDetectionText } from '../../src/privacy/normalise-text.ts';

describe('foldForDetection', () => {
  it('turns full-width digits, letters and ＠ into ASCII', () => {
    expect(foldForDetection('１３８１２３４５６７８')).toBe('13812345678');
    expect(foldForDetection('ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('user@example.com');
  });

  it('returns pure ASCII unchanged (the common case)', () => {
    const text = 'iPhone 14 Pro 256GB';
    expect(foldForDetection(text)).toBe(text);
  });

  it('removes combining marks and invisible format characters that would hide a value', () => {
    expect(foldForDetection('a@b.cn\u0301')).toBe('a@b.cn');
    expect(foldForDetection('138\u200b1234\u200d5678')).toBe('13812345678');
  });

  it('maps other decimal digit sets (Arabic-Indic, Devanagari) to ASCII digits', () => {
    expect(foldForDetection('١٣٨١٢٣٤٥٦٧٨')).toBe('13812345678');
    expect(foldForDetection('१३८')).toBe('138');
  });

  it('keeps CJK text as it is', () => {
    expect(foldForDetection('华为 小天鹅 海尔')).toBe('华为 小天鹅 海尔');
  });
});

describe('joinSeparatedDigits', () => {
  it('removes spaces, hyphens, dashes and middle dots between digits', () => {
    for (const written of ['138 1234 5678', '138-1234-5678', '138\u20131234\u20145678', '138\u00a01234\u30005678', '138 - 1234 - 5678', '138·1234·5678']) {
      expect(joinSeparatedDigits(foldForDetection(written))).toBe('13812345678');
    }
  });

  it('removes dots, commas, slashes, underscores, brackets and 转/杠/横 between digits too', () => {
    for (const written of ['138.1234.5678', '138,1234,5678', '138/1234/5678', '138_1234_5678', '(138)1234 5678', '138转1234杠5678', '138横1234横5678']) {
      expect(joinSeparatedDigits(written).replace(/^\(/, '')).toBe('13812345678');
    }
  });

  it('keeps separators that are not between two digits, and the underscores of upper snake case enum values', () => {
    expect(joinSeparatedDigits('iPhone 14 Pro')).toBe('iPhone 14 Pro');
    expect(joinSeparatedDigits('KFR-35GW/NhGc1B')).toBe('KFR-35GW/NhGc1B');
    expect(joinSeparatedDigits('NIST_800_88_R1')).not.toMatch(/80088/);
    expect(joinSeparatedDigits('x_138_1234_5678')).toBe('x_13812345678');
  });
});

describe('prepareDetectionText', () => {
  it('lists the digit runs of the joined copy with their positions', () => {
    const prepared = prepareDetectionText('iPhone 1 138-1234-5678 3');
    expect(prepared.joined).toBe('iPhone 1138123456783');
    expect(prepared.digitRuns).toEqual([{ digits: '1138123456783', start: 7, end: 20 }]);
    expect(prepared.longestDigitRun).toBe(13);
  });

  it('records which kinds of characters occur, and none for a plain word (twin)', () => {
    const rich = prepareDetectionText('王先生 a@b.cn: 1-2');
    expect([rich.hasCjk, rich.hasAt, rich.hasColon, rich.hasDot, rich.hasAsciiLetter]).toEqual([true, true, true, true, true]);
    const plain = prepareDetectionText('washing');
    expect([plain.hasCjk, plain.hasAt, plain.hasColon, plain.hasDot, plain.digitRuns.length]).toEqual([false, false, false, false, 0]);
  });
});
