/** A calendar date as the partner wrote it (its own local calendar; no time zone is applied). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

// The hub keeps months, so years far outside the programme's horizon are typos, not data.
const MIN_YEAR = 1970;
const MAX_YEAR = 2099;

// An optional time of day after the date: "09:33:43", "9:33", "T09:33:43+08:00", "09:33:43.120Z".
const TIME = String.raw`(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;

const DATE_PATTERNS: readonly RegExp[] = [
  // 2021-03-15, 2021/3/15, 2021.3.15, each optionally with a time
  new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`),
  // 2021年03月15日, 2021年3月15日 09:33:43
  new RegExp(String.raw`^(\d{4})年(\d{1,2})月(\d{1,2})日${TIME}$`),
  // 20210315, 20210315 09:33:43
  new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})${TIME}$`),
];

const YEAR_MONTH_PATTERNS: readonly RegExp[] = [/^(\d{4})[-/.](\d{1,2})$/, /^(\d{4})年(\d{1,2})月$/, /^(\d{4})(\d{2})$/];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validTime(hours: string | undefined, minutes: string | undefined, seconds: string | undefined): boolean {
  if (hours === undefined) return true;
  return Number(hours) <= 23 && Number(minutes) <= 59 && (seconds === undefined || Number(seconds) <= 59);
}

/**
 * Reads the date formats partners' exports mix: `2021/3/15`, `2021-03-15`, `20210315`, `2021年03月15日`,
 * each optionally followed by a time (`2025/4/9 09:33:43`), which is checked and dropped. Returns undefined
 * for anything else, for impossible dates (2025/2/30, 25:00) and for years outside 1970–2099.
 */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const input = text.normalize('NFKC').trim();
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(input);
    if (match === null) continue;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return undefined;
    if (day < 1 || day > daysInMonth(year, month)) return undefined;
    if (!validTime(match[4], match[5], match[6])) return undefined;
    return { year, month, day };
  }
  return undefined;
}

/** `YYYY-MM` of a date. */
export function formatMonth(date: { year: number; month: number }): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}`;
}

/**
 * The month (`YYYY-MM`) of a date in any format parseCalendarDate reads, or of a bare year-month
 * (`2019-09`, `2019/9`, `2019年9月`, `201909`). Undefined when the text is neither.
 */
export function parseMonth(text: string): string | undefined {
  const date = parseCalendarDate(text);
  if (date !== undefined) return formatMonth(date);
  const input = text.normalize('NFKC').trim();
  for (const pattern of YEAR_MONTH_PATTERNS) {
    const match = pattern.exec(input);
    if (match === null) continue;
    const [year, month] = [Number(match[1]), Number(match[2])];
    if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return undefined;
    return formatMonth({ year, month });
  }
  return undefined;
}

/**
 * Whole calendar months from `from` to `to`: a month counts once its day-of-month is reached
 * (2022-04-14 → 2025-04-09 is 35 months). Negative when `to` is earlier than `from`.
 */
export function completedMonthsBetween(from: CalendarDate, to: CalendarDate): number {
  const months = (to.year - from.year) * 12 + (to.month - from.month);
  if (months > 0 && to.day < from.day) return months - 1;
  if (months < 0 && to.day > from.day) return months + 1;
  return months;
}

/** Negative, zero or positive as `a` is before, on or after `b`. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}
