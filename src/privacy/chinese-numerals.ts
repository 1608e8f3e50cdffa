/**
 * Chinese numerals → ASCII digits, for the detection copy only. People write a phone number as
 * 一三八…, 壹叁捌…, 幺三八… (幺 is how 1 is read aloud), a house number as 一百零八号, a room as
 * 二十三室; the detectors only know ASCII digits.
 *
 * A run of numeral characters is read in one of two ways:
 * - with a unit (百/佰, 千/仟, 万/萬) or a 十 inside a run of at most four characters, as a number
 *   (二十三 → 23, 一百零八 → 108, 十三 → 13): house and room numbers;
 * - otherwise digit by digit (一三八一二三四五六七八 → 13812345678), with a 十/拾 standing for the
 *   two characters "10": someone spelling a long number out reads it one character at a time.
 * The radio alphabet's 洞 (0), 拐 (7) and 勾 (9) are ordinary words too, so they count only inside a
 * run of at least four numeral characters.
 */

const DIGIT_OF: Readonly<Record<string, string>> = {
  〇: '0',
  '○': '0',
  '◯': '0',
  零: '0',
  洞: '0',
  一: '1',
  壹: '1',
  幺: '1',
  弌: '1',
  二: '2',
  贰: '2',
  貳: '2',
  两: '2',
  兩: '2',
  弍: '2',
  三: '3',
  叁: '3',
  參: '3',
  叄: '3',
  弎: '3',
  四: '4',
  肆: '4',
  五: '5',
  伍: '5',
  六: '6',
  陆: '6',
  陸: '6',
  七: '7',
  柒: '7',
  拐: '7',
  八: '8',
  捌: '8',
  九: '9',
  玖: '9',
  勾: '9',
};
const RADIO_WORDS = new Set(['洞', '拐', '勾']);
const TEN = new Set(['十', '拾']);
const UNIT_VALUE: Readonly<Record<string, number>> = { 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const TEN_THOUSAND = new Set(['万', '萬']);
const RADIO_MINIMUM_RUN = 4;
const POSITIONAL_TEN_MAXIMUM_RUN = 4;

const NUMERAL_RUN = /[〇○◯零洞一壹幺弌二贰貳两兩弍三叁參叄弎四肆五伍六陆陸七柒拐八捌九玖勾十拾百佰千仟万萬]+/g;
/** True when `text` may contain a Chinese numeral; a cheap pre-check before `readChineseNumerals`. */
export const MAY_CONTAIN_CHINESE_NUMERAL = /[〇○◯零洞一壹幺弌二贰貳两兩弍三叁參叄弎四肆五伍六陆陸七柒拐八捌九玖勾十拾]/;

/**
 * Replaces every run of Chinese numerals in `text` by ASCII digits as described above; other
 * characters are kept in order. Never throws; text without numerals is returned unchanged.
 */
export function readChineseNumerals(text: string): string {
  if (!MAY_CONTAIN_CHINESE_NUMERAL.test(text)) return text;
  return text.replace(NUMERAL_RUN, readRun);
}

function readRun(run: string): string {
  const characters = [...run];
  const hasUnit = characters.some((c) => UNIT_VALUE[c] !== undefined || TEN_THOUSAND.has(c));
  const hasTen = characters.some((c) => TEN.has(c));
  if (hasUnit || (hasTen && characters.length <= POSITIONAL_TEN_MAXIMUM_RUN)) {
    const value = positionalValue(characters);
    if (value !== undefined) return String(value);
  }
  const allowRadio = characters.length >= RADIO_MINIMUM_RUN;
  let digits = '';
  for (const c of characters) {
    if (TEN.has(c)) digits += '10';
    else if (RADIO_WORDS.has(c) && !allowRadio) digits += c;
    else digits += DIGIT_OF[c] ?? c;
  }
  return digits;
}

// 一百零八 → 108, 二十三 → 23, 十三 → 13, 三万五千 → 35000. Undefined for a run that is not a
// well-formed number (two digits in a row such as 一二百), which is then read digit by digit.
function positionalValue(characters: readonly string[]): number | undefined {
  let total = 0;
  let section = 0;
  let pending: number | undefined;
  for (const c of characters) {
    const digit = DIGIT_OF[c];
    if (digit !== undefined) {
      if (pending !== undefined && pending !== 0) return undefined;
      pending = Number(digit);
      continue;
    }
    if (TEN.has(c)) {
      section += (pending ?? 1) * 10;
      pending = undefined;
      continue;
    }
    const unit = UNIT_VALUE[c];
    if (unit !== undefined) {
      if (pending === undefined) return undefined;
      section += pending * unit;
      pending = undefined;
      continue;
    }
    if (TEN_THOUSAND.has(c)) {
      total += (section + (pending ?? 0)) * 10_000;
      section = 0;
      pending = undefined;
    }
  }
  return total + section + (pending ?? 0);
}
