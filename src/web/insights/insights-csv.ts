import type { InsightsAnswer } from './insights-queries.ts';

/** One answer to export, named by what it was grouped by. */
export interface CsvSection {
  grouping: string;
  answer: InsightsAnswer;
}

/**
 * A spreadsheet cell: quoted when it holds a separator, quote or line break, and a text cell that a
 * spreadsheet would run as a formula (= + - @, tab, CR first) is prefixed with an apostrophe.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The current result as CSV (UTF-8 with a byte-order mark, which spreadsheets need to read Chinese): one
 * line per released row with its grouping keys, then a `remainder` column (`true` for the row merging the
 * groups below k), the subjects and every measure — distributions flattened to `measure.value` columns. The
 * suppression is a line of its own when the remainder was dropped, and `noisy` marks figures carrying
 * differential-privacy noise: nothing the page shows as withheld or noisy looks exact here.
 */
export function insightsCsv(sections: readonly CsvSection[]): string {
  const dimensions: string[] = [];
  const measures: string[] = [];
  const add = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  for (const { answer } of sections) {
    for (const row of answer.rows) {
      for (const key of Object.keys(row.keys)) add(dimensions, key);
      for (const [measure, value] of Object.entries(row.values)) {
        if (value !== null && typeof value === 'object') for (const sub of Object.keys(value).sort()) add(measures, `${measure}.${sub}`);
        else add(measures, measure);
      }
    }
  }
  const header = ['grouping', 'purpose', 'queryId', ...dimensions, 'remainder', 'subjects', ...measures, 'noisy', 'note'];
  const lines = [header.map(csvCell).join(',')];
  for (const { grouping, answer } of sections) {
    const noisy = answer.noise !== null;
    for (const row of answer.rows) {
      const cells: unknown[] = [grouping, answer.purpose, answer.queryId, ...dimensions.map((d) => row.keys[d] ?? null), row.remainder, row.subjects];
      for (const column of measures) {
        const dot = column.indexOf('.');
        const value = dot === -1 ? row.values[column] : row.values[column.slice(0, dot)];
        cells.push(
          dot === -1 ? (typeof value === 'object' ? null : value) : value !== null && typeof value === 'object' ? (value[column.slice(dot + 1)] ?? 0) : null,
        );
      }
      cells.push(noisy, row.remainder ? `merges ${answer.suppressedGroups} groups below k=${answer.minGroupSize}` : '');
      lines.push(cells.map(csvCell).join(','));
    }
    if (answer.noise !== null && answer.suppressedGroups === null) {
      const cells: unknown[] = [grouping, answer.purpose, answer.queryId, ...dimensions.map(() => null), 'withheld', null, ...measures.map(() => null), noisy];
      cells.push(`groups below the noisy release threshold ${answer.noise.releaseThreshold}: about ${answer.noise.withheldRecords} records, not released`);
      lines.push(cells.map(csvCell).join(','));
    }
    if (answer.remainderDropped === true) {
      const cells: unknown[] = [grouping, answer.purpose, answer.queryId, ...dimensions.map(() => null), 'dropped', null, ...measures.map(() => null), noisy];
      cells.push(`${answer.suppressedGroups} groups below k=${answer.minGroupSize}, still below k merged: not released`);
      lines.push(cells.map(csvCell).join(','));
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
