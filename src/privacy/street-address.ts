/**
 * Street addresses, matched on the digit view (`joined`), where Chinese numerals already read as
 * digits (一百零八号 → 108号, 三栋 → 3栋):
 * 1. an administrative unit (省, 市, 区, 县, 镇, 乡, 街道) followed within 40 characters by a number
 *    and a building unit (号, 栋, 幢, 单元, 层, 楼, 室) — domain.md §6;
 * 2. a road (路, 街, 大道, 巷, 弄, 胡同) + number + 号;
 * 3. a bare building or room number (12号楼, 302室, 3单元, 5栋);
 * 4. without any number: an administrative unit followed by a named road, estate or building
 *    (朝阳区建国路, 南山区科技园, 海淀区中关村大街, 某某市某某小区);
 * 5. romanised: a number and a capitalised street name (88 Jianguo Road, Jianguo Lu No. 88), or a
 *    district or province name (Chaoyang District).
 */

const CN_ADDRESS = new RegExp(
  [
    '[\\u4e00-\\u9fa5]{2}(?:省|自治区|市|区|县|镇|乡|街道)[\\s\\S]{0,40}?[0-9]{1,6}\\s*(?:号|栋|幢|单元|层|楼|室)',
    '[\\u4e00-\\u9fa5](?:路|街|大道|大街|巷|弄|胡同|道)\\s*[0-9]{1,6}\\s*(?:号|弄|栋|幢)',
    '[0-9]{1,6}\\s*(?:号楼|号院|号门|栋|幢|单元|室)',
    '[\\u4e00-\\u9fa5]{2}(?:省|自治区|市|区|县|镇|乡|街道)\\s*[\\u4e00-\\u9fa5]{1,12}?(?:路|街|大道|大街|巷|弄|胡同|村|小区|社区|大厦|花园|公寓|广场|家园|新村|苑|科技园|工业园)',
  ].join('|'),
);
const STREET_WORDS = 'Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Lu|Jie|Dajie|Dadao|Hutong|Xiang|Nong';
const LATIN_ADDRESS = new RegExp(
  [
    `(?<![A-Za-z0-9])(?:No\\.?\\s*)?[0-9]{1,5}[A-Za-z]?,?\\s+(?:[A-Z][a-z]+\\s){1,3}(?:${STREET_WORDS})\\b`,
    `(?<![A-Za-z])[A-Z][a-z]+\\s(?:${STREET_WORDS})\\.?,?\\s*(?:No\\.?|#)\\s*[0-9]{1,5}`,
    '(?<![A-Za-z])[A-Z][a-z]+\\s(?:District|Province|County|Subdistrict|Township|Prefecture)\\b',
  ].join('|'),
);

/**
 * True when `joined` (the digit view of the detection copy) contains a street address by one of the
 * rules above. Never throws; the patterns have bounded gaps, so matching is linear.
 */
export function containsStreetAddress(joined: string, hasCjk: boolean): boolean {
  return (hasCjk && CN_ADDRESS.test(joined)) || LATIN_ADDRESS.test(joined);
}
