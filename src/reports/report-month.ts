/** Month arithmetic for the monthly report. Months are 'YYYY-MM' (UTC calendar months). Pure. */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isReportMonth(value: string): boolean {
  return MONTH.test(value);
}

/** The month `offset` months after `month` (negative: before). */
export function addMonths(month: string, offset: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The day the local scheme wants a month's figures by: the 12th of the following month (YYYY-MM-DD). */
export const REPORT_DUE_DAY = 12;

export function reportDueOn(month: string): string {
  return `${addMonths(month, 1)}-${String(REPORT_DUE_DAY).padStart(2, '0')}`;
}

/** Whether, at `now`, the figures for `month` are late: the due day (UTC) has passed. */
export function isReportOverdue(month: string, now: Date): boolean {
  return now.toISOString().slice(0, 10) > reportDueOn(month);
}

/** Whether `month` starts after the month of `now`: nothing can have been done in it yet. */
export function isFutureMonth(month: string, now: Date): boolean {
  return month > now.toISOString().slice(0, 7);
}
