/** A payout period: one calendar month in UTC, written `YYYY-MM`. */
export type Period = string;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export class PeriodFormatError extends Error {
  override readonly name = 'PeriodFormatError';
}

export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

/** The period an instant falls in (UTC). */
export function periodOf(instant: Date): Period {
  return instant.toISOString().slice(0, 7);
}

/** The first instant of the period and the first instant after it, both UTC. */
export function periodBounds(period: Period): { start: Date; end: Date } {
  const match = PERIOD.exec(period);
  if (match === null) throw new PeriodFormatError(`period must be YYYY-MM (a month, UTC); got ${JSON.stringify(period).slice(0, 20)}`);
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

/** The period before, e.g. 2026-01 → 2025-12. */
export function previousPeriod(period: Period): Period {
  const { start } = periodBounds(period);
  return periodOf(new Date(start.getTime() - 1));
}
