import type { MonthlyReportTables, ReportTable } from './monthly-report.ts';

/** The header of the long-format CSV: one figure per line, so every table shares the same columns. */
export const MONTHLY_REPORT_CSV_HEADER = 'month,table,party_id,firm,measure,value,withheld';

/**
 * The monthly report as CSV (RFC 4180, CRLF, UTF-8): one line per released figure, one line per withheld
 * firm and measure with an empty value, each table's total as party `*`, then the missing firms (measure =
 * the table they owe, value `overdue` or `due`). Firm names are quoted, and one starting with = + - @ is
 * prefixed with ' so a spreadsheet never runs it as a formula. Pure.
 */
export function monthlyReportCsv(month: string, report: MonthlyReportTables): string {
  const lines = [MONTHLY_REPORT_CSV_HEADER];
  const add = (table: string, partyId: string, firm: string, measure: string, value: string, withheld: boolean) =>
    lines.push([month, table, partyId, cell(firm), measure, value, withheld ? 'true' : 'false'].join(','));
  const addTable = <F extends object>(name: string, table: ReportTable<F>, measures: readonly (keyof F & string)[]) => {
    for (const row of table.rows) {
      for (const measure of measures) add(name, row.partyId, row.name, measure, row.figures === null ? '' : String(row.figures[measure]), row.withheld);
    }
    for (const measure of measures) add(name, '*', 'total', measure, table.total === null ? '' : String(table.total[measure]), table.total === null);
  };
  addTable('sales', report.sales, [
    'tradeIns',
    'newPurchases',
    'subsidyFen',
    'pricedPurchases',
    'unpricedPurchases',
    'listPriceFen',
    'paidPriceFen',
    'discountFen',
    'subsidyAboveDiscount',
  ]);
  addTable('inspections', report.inspections, ['inspectedDevices']);
  addTable('dispositions', report.dispositions, ['disposedDevices', 'dismantledUnits', 'kgDismantled', 'kgCo2eAvoided']);
  if (report.custodyLeakage !== null) addTable('custody_leakage', report.custodyLeakage.table, ['tradeIns', 'reached', 'leaked']);
  for (const missing of report.missing) add('missing', missing.partyId, missing.name, missing.table, missing.overdue ? 'overdue' : 'due', false);
  return `${lines.join('\r\n')}\r\n`;
}

function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}
