/**
 * Vehicle licence plates (GA 36-2018): a province character, the issuing authority's letter and five
 * characters (six for new-energy plates, whose first or last is D/F or A–K), never I or O. Also the
 * romanised form a form field without CJK gets (`Jing A12345`, `YUE-B 12345`, `Hu A·D12345`):
 * the province's pinyin must be a separate word and the tail must hold three digits or more, so that
 * model codes (`GU B12345` is no brand's) stay out.
 */

// One optional separator is allowed after the province and after the issuing-authority letter
// (`京A·12345`, `京 A 12345`); separators between digits are already gone in `joined`.
const PLATE_SEPARATOR = '[\\s·•・.-]?';
const PLATE_TAIL = '(?:[A-HJK][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[A-HJK]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])';
const LICENCE_PLATE = new RegExp(
  `[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领]${PLATE_SEPARATOR}[A-HJ-NP-Z]${PLATE_SEPARATOR}${PLATE_TAIL}`,
  'i',
);
const PROVINCE_PINYIN = 'Jing|Jin|Hu|Yu|Ji|Yun|Liao|Hei|Xiang|Wan|Lu|Xin|Su|Zhe|Gan|E|Gui|Meng|Shaan|Shan|Min|Qing|Zang|Chuan|Ning|Qiong|Yue';
const ROMANISED_PLATE = new RegExp(`(?<![A-Za-z0-9])(?:${PROVINCE_PINYIN})[\\s·.-]{1,2}([A-HJ-NP-Z])[\\s·.-]{0,2}([A-HJ-NP-Z0-9]{5,6})(?![A-Za-z0-9])`, 'gi');
const DIGIT = /[0-9]/g;
const WHOLE_TAIL = new RegExp(`^${PLATE_TAIL}$`);

/** True when `joined` (the digit view) contains a licence plate, CJK or romanised. Never throws. */
export function containsLicencePlate(joined: string, hasCjk: boolean): boolean {
  if (hasCjk && LICENCE_PLATE.test(joined)) return true;
  for (const match of joined.matchAll(ROMANISED_PLATE)) {
    const tail = (match[2] ?? '').toUpperCase();
    if ((tail.match(DIGIT)?.length ?? 0) >= 3 && WHOLE_TAIL.test(tail)) return true;
  }
  return false;
}
