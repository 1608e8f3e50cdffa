import type { InsightRow } from './insights-queries.ts';

/** Chart-ready figures: one label per group, one series per measure or per distribution value. */
export interface Series {
  labels: string[];
  /** Index of the remainder row's label, which the chart draws apart; null when there is none. */
  remainderIndex: number | null;
  datasets: { key: string; values: (number | null)[] }[];
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * The rows a chart shows: the `limit` largest groups by subjects, then the remainder row last. The table and
 * the CSV keep every row; a chart of thirty models is unreadable on a phone.
 */
export function chartRows(rows: readonly InsightRow[], limit = 12): InsightRow[] {
  const groups = rows
    .filter((r) => !r.remainder)
    .sort((a, b) => b.subjects - a.subjects)
    .slice(0, limit);
  const remainder = rows.find((r) => r.remainder);
  return remainder === undefined ? groups : [...groups, remainder];
}

/** One series per scalar measure (count, usage months, CO2e …) over the rows' groups. */
export function scalarSeries(rows: readonly InsightRow[], measures: readonly string[], labelOf: (row: InsightRow) => string): Series {
  const remainderIndex = rows.findIndex((r) => r.remainder);
  return {
    labels: rows.map(labelOf),
    remainderIndex: remainderIndex === -1 ? null : remainderIndex,
    datasets: measures.map((measure) => ({ key: measure, values: rows.map((r) => numberOrNull(r.values[measure])) })),
  };
}

/**
 * One series per value of a distribution measure (a grade, a fault code, a disposition), the `top` values
 * with the largest total share first; a group without the value gets 0, a group without the measure null.
 */
export function distributionSeries(
  rows: readonly InsightRow[],
  measure: string,
  labelOf: (row: InsightRow) => string,
  top = Infinity,
  order?: readonly string[],
): Series {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const distribution = row.values[measure];
    if (distribution === null || typeof distribution !== 'object') continue;
    for (const [value, share] of Object.entries(distribution)) totals.set(value, (totals.get(value) ?? 0) + (numberOrNull(share) ?? 0));
  }
  const byTotal = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([value]) => value);
  const keys =
    order === undefined
      ? byTotal.slice(0, top)
      : [...order.filter((value) => totals.has(value)), ...byTotal.filter((value) => !order.includes(value))].slice(0, top);
  const remainderIndex = rows.findIndex((r) => r.remainder);
  return {
    labels: rows.map(labelOf),
    remainderIndex: remainderIndex === -1 ? null : remainderIndex,
    datasets: keys.map((key) => ({
      key,
      values: rows.map((r) => {
        const distribution = r.values[measure];
        if (distribution === null || typeof distribution !== 'object') return null;
        return numberOrNull(distribution[key]) ?? 0;
      }),
    })),
  };
}

/** The residual-value curve: age bands along x (in `ageOrder`), one series per grade (in `gradeOrder`). */
export interface ResidualCurve extends Series {
  /** Rows left off the curve: the remainder, and groups with no age band or no grade (not in the catalogue, not inspected). */
  offCurve: InsightRow[];
}

export function residualCurve(rows: readonly InsightRow[], ageOrder: readonly string[], gradeOrder: readonly string[]): ResidualCurve {
  const onCurve = rows.filter((r) => !r.remainder && r.keys.ageBand != null && r.keys.grade != null);
  const ages = ageOrder.filter((age) => onCurve.some((r) => r.keys.ageBand === age));
  const present = new Set(onCurve.map((r) => r.keys.grade as string));
  const grades = [...gradeOrder.filter((g) => present.has(g)), ...[...present].filter((g) => !gradeOrder.includes(g)).sort()];
  return {
    labels: ages,
    remainderIndex: null,
    datasets: grades.map((grade) => ({
      key: grade,
      values: ages.map((age) => numberOrNull(onCurve.find((r) => r.keys.ageBand === age && r.keys.grade === grade)?.values.residualRatioP50)),
    })),
    offCurve: rows.filter((r) => !onCurve.includes(r)),
  };
}
