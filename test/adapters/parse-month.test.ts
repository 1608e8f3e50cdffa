import { describe, expect, it } from 'vitest';
import { compareDates, completedMonthsBetween, parseCalendarDate, parseMonth } from '../../adapters/shared/parse-month.ts';

describe('parseCalendarDate', () => {
  it.each([
    ['2021/3/15', { year: 2021, month: 3, day: 15 }],
    ['2021/03/05', { year: 2021, month: 3, day: 5 }],
    ['2021-12-23', { year: 2021, month: 12, day: 23 }],
    ['20210315', { year: 2021, month: 3, day: 15 }],
    ['2021年03月15日', { year: 2021, month: 3, day: 15 }],
    ['2021年3月5日', { year: 2021, month: 3, day: 5 }],
    ['2025/4/9 09:33:43', { year: 2025, month: 4, day: 9 }],
    ['20241227 22:16:51', { year: 2024, month: 12, day: 27 }],
    ['2025年10月06日 03:25:20', { year: 2025, month: 10, day: 6 }],
    ['2025-10-06T03:25:20+08:00', { year: 2025, month: 10, day: 6 }],
    ['２０２１／３／１５', { year: 2021, month: 3, day: 15 }],
    ['2024/2/29', { year: 2024, month: 2, day: 29 }],
  ])('reads %s', (text, date) => {
    expect(parseCalendarDate(text)).toEqual(date);
  });

  it.each([
    ['2025/2/29', 'a day that does not exist'],
    ['2025/2/30', 'a day that does not exist'],
    ['2025-13-01', 'a month that does not exist'],
    ['2025/4/9 25:00:00', 'an impossible time'],
    ['15/03/2021', 'a day-first date'],
    ['1969-12-31', 'a year before 1970'],
    ['2025/4', 'a month without a day'],
    ['下周', 'words'],
    ['', 'an empty cell'],
  ])('refuses %s (%s)', (text) => {
    expect(parseCalendarDate(text)).toBeUndefined();
  });
});

describe('parseMonth', () => {
  it.each([
    ['2019-09', '2019-09'],
    ['2019/9', '2019-09'],
    ['2019年9月', '2019-09'],
    ['201909', '2019-09'],
    ['2025/4/9 09:33:43', '2025-04'],
    ['20250418', '2025-04'],
  ])('reads %s as %s', (text, month) => {
    expect(parseMonth(text)).toBe(month);
  });

  it.each(['2019-13', '2019年0月', '09/2019', '19-09'])('refuses %s', (text) => {
    expect(parseMonth(text)).toBeUndefined();
  });
});

describe('completedMonthsBetween', () => {
  it('counts a month once its day-of-month is reached', () => {
    expect(completedMonthsBetween({ year: 2022, month: 4, day: 14 }, { year: 2025, month: 4, day: 14 })).toBe(36);
    expect(completedMonthsBetween({ year: 2022, month: 4, day: 14 }, { year: 2025, month: 4, day: 9 })).toBe(35);
  });

  it('counts zero within the same month', () => {
    expect(completedMonthsBetween({ year: 2025, month: 3, day: 1 }, { year: 2025, month: 3, day: 31 })).toBe(0);
  });

  it('is negative when the second date is earlier (and compareDates says so)', () => {
    const [later, earlier] = [
      { year: 2025, month: 6, day: 1 },
      { year: 2025, month: 4, day: 9 },
    ];
    expect(completedMonthsBetween(later, earlier)).toBeLessThan(0);
    expect(compareDates(later, earlier)).toBeGreaterThan(0);
  });
});
