/**
 * Look-alike characters that survive compatibility folding (NFKC/NFKD leave Cyrillic and Greek
 * letters alone): an e-mail written with a Cyrillic `а`, a plate with a Greek `Α`, a model-shaped
 * serial with a Cyrillic `С`. The table follows Unicode's confusables (TR39) for the letters that
 * look like ASCII letters in common fonts; only the detection copy is mapped.
 *
 * Letters that look like digits (O/o for 0, I/l/| for 1) are mapped only between two digits
 * (`138O1234567`), where no model code or word puts them: see `readDigitLookalikes`.
 */

const CONFUSABLE_LETTERS: Readonly<Record<string, string>> = {
  // Cyrillic
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  Ԛ: 'Q',
  Ԝ: 'W',
  Ү: 'Y',
  Ӏ: 'I',
  Ь: 'b',
  З: '3',
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  х: 'x',
  у: 'y',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ү: 'y',
  ь: 'b',
  ɡ: 'g',
  ո: 'n',
  ս: 'u',
  // Greek
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  Ϲ: 'C',
  Ϳ: 'J',
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
  ϳ: 'j',
  ω: 'w',
  // Latin letters and symbols that NFKD does not fold
  ı: 'i',
  ȷ: 'j',
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  ħ: 'h',
  '∶': ':',
  '։': ':',
  '꞉': ':',
  '‚': ',',
  '٫': '.',
  '․': '.',
  '‧': '.',
  '∙': '.',
  '⋅': '.',
  '＠': '@',
  '﹫': '@',
  'Ⓐ': '@',
  '⍺': 'a',
};
const CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLE_LETTERS).join('')}]`, 'gu');
/** A cheap pre-check: true when `text` may contain a confusable letter. */
export const MAY_CONTAIN_CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLE_LETTERS).join('')}]`, 'u');

/** Maps confusable letters to their ASCII look-alikes. Never throws; other text is unchanged. */
export function foldConfusables(text: string): string {
  return text.replace(CONFUSABLE, (c) => CONFUSABLE_LETTERS[c] ?? c);
}

const LOOKALIKES_BETWEEN_DIGITS = /(?<=[0-9])[OoIl]{1,4}(?=[0-9])/g;
const LOOKALIKE_BETWEEN_DIGITS = /[0-9][OoIl]{1,4}[0-9]/;

/**
 * Reads O/o as 0 and I/l/| as 1 where up to four of them sit between two digits
 * (`138O1234567`, `13OO1234567`). Never throws.
 */
export function readDigitLookalikes(text: string): string {
  if (!LOOKALIKE_BETWEEN_DIGITS.test(text)) return text;
  return text.replace(LOOKALIKES_BETWEEN_DIGITS, (run) => run.replace(/[Oo]/g, '0').replace(/[Il]/g, '1'));
}
