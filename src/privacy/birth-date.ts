/**
 * Dates of birth. The standard documents carry months, never days, but native exports carry order
 * and purchase dates (`2025年05月09日`, `2021-12-23`), so a full date alone is not a birth date. A
 * date counts when:
 * - it is labelled (出生, 生日, 出生日期, 生于, DOB, birth, born) and is a real day, any year;
 * - or it is a real day before 2001 written with a day (`1990-05-12`, `1990/5/12`, `1990年5月12日`):
 *   nobody trades in an appliance bought in the last century, but everyone alive was born then or
 *   later. Dates from 2001 on without a label are a known gap.
 * Matched on the folded copy with Chinese numerals read (`joined` would glue 1990-05-12 into one run).
 */
import { isRealCalendarDate } from './checksums.ts';

const DATE = /(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})\s*(?:[-/.年]\s*)([01]?[0-9])\s*(?:[-/.月]\s*)([0-3]?[0-9])(?![0-9])/g;
const COMPACT_DATE = /(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})([01][0-9])([0-3][0-9])(?![0-9])/g;
const BIRTH_LABEL = /(?:出生|生日|生于|诞辰|(?<![A-Za-z])(?:dob|d\.o\.b|birth|born|birthday|birthdate))/i;
const LABEL_REACH = 16;
const UNLABELLED_BEFORE_YEAR = 2001;

/** True when `text` (folded, numerals read) contains a date of birth as described above. Never throws. */
export function containsBirthDate(text: string): boolean {
  const labelled = BIRTH_LABEL.test(text);
  for (const pattern of labelled ? [DATE, COMPACT_DATE] : [DATE]) {
    for (const match of text.matchAll(pattern)) {
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      if (!isRealCalendarDate(year, month, day)) continue;
      if (year < UNLABELLED_BEFORE_YEAR) return true;
      if (labelled && BIRTH_LABEL.test(text.slice(Math.max(0, match.index - LABEL_REACH), match.index))) return true;
    }
  }
  return false;
}
