import { describe, expect, it } from 'vitest';
import { monthlyReportCsv, MONTHLY_REPORT_CSV_HEADER } from '../../src/reports/monthly-report-csv.ts';
import { buildMonthlyReport, type MonthlyReportInput } from '../../src/reports/monthly-report.ts';
import { addMonths, isFutureMonth, isReportOverdue, reportDueOn } from '../../src/reports/report-month.ts';

// tradein.v1 trade-ins: new purchases without prices.
const unpriced = { pricedPurchases: 0, listPriceFen: '0', paidPriceFen: '0', subsidyAboveDiscount: 0 };

const input: MonthlyReportInput = {
  month: '2026-11',
  k: 5,
  now: new Date('2026-12-13T00:00:00Z'),
  sales: [
    { partyId: 'platform-a', name: 'Platform A', tradeIns: 12, newPurchases: 7, subsidyFen: '9007199254740993', ...unpriced },
    { partyId: 'platform-b', name: '=HYPERLINK("x")', tradeIns: 3, newPurchases: 1, subsidyFen: '100', ...unpriced },
    {
      partyId: 'shop-c',
      name: 'Shop "C"',
      tradeIns: 6,
      newPurchases: 6,
      subsidyFen: '600',
      pricedPurchases: 4,
      listPriceFen: '9007199254740993',
      paidPriceFen: '1000',
      subsidyAboveDiscount: 1,
    },
  ],
  inspections: [{ partyId: 'recycler-a', name: 'Recycler A', inspectedDevices: 8 }],
  dispositions: [],
  activeFirms: [
    { partyId: 'platform-a', name: 'Platform A', capacities: ['ecommerce_platform'] },
    { partyId: 'recycler-a', name: 'Recycler A', capacities: ['recycler', 'dismantler'] },
    { partyId: 'shop-d', name: 'Shop D', capacities: ['sales_firm', 'recycler'] },
    { partyId: 'brand-a', name: 'Brand A', capacities: ['brand'] },
  ],
  leakage: { periodMonths: 2, tradeInMonth: '2026-09', windowClosed: true, rows: [{ partyId: 'platform-a', name: 'Platform A', tradeIns: 10, reached: 7 }] },
};

describe('buildMonthlyReport', () => {
  const report = buildMonthlyReport(input);

  it('withholds the small firm and its complement, and totals every firm exactly (bigint fen)', () => {
    expect(report.sales.rows.map((r) => [r.partyId, r.withheld])).toEqual([
      ['platform-a', false],
      ['platform-b', true],
      ['shop-c', true],
    ]);
    expect(report.sales.rows[1]!.figures).toBeNull();
    expect(report.sales.total).toEqual({
      tradeIns: 21,
      newPurchases: 14,
      subsidyFen: '9007199254741693',
      pricedPurchases: 4,
      unpricedPurchases: 10,
      listPriceFen: '9007199254740993',
      paidPriceFen: '1000',
      discountFen: '9007199254739993',
      subsidyAboveDiscount: 1,
    });
    expect(report.sales.rows[0]!.figures).toMatchObject({ pricedPurchases: 0, unpricedPurchases: 7, discountFen: '0' });
    expect(report.sales.withheldCells).toBe(2);
  });

  it('lists active firms with no figures in a table their capacities owe, overdue after the 12th', () => {
    expect(report.missing).toEqual([
      { partyId: 'recycler-a', name: 'Recycler A', table: 'dispositions', overdue: true },
      { partyId: 'shop-d', name: 'Shop D', table: 'sales', overdue: true },
      { partyId: 'shop-d', name: 'Shop D', table: 'inspections', overdue: true },
    ]);
    expect(buildMonthlyReport({ ...input, now: new Date('2026-12-12T23:59:59Z') }).missing.every((m) => !m.overdue)).toBe(true);
  });

  it('counts leaked devices per platform, and withholds an empty table’s total', () => {
    expect(report.custodyLeakage?.table.rows[0]?.figures).toEqual({ tradeIns: 10, reached: 7, leaked: 3 });
    expect(report.dispositions).toEqual({ rows: [], withheldCells: 0, total: null });
    expect(buildMonthlyReport({ ...input, leakage: null }).custodyLeakage).toBeNull();
  });
});

describe('monthlyReportCsv', () => {
  const lines = monthlyReportCsv('2026-11', buildMonthlyReport(input)).split('\r\n');

  it('writes one figure per line, withheld ones empty, totals as party *', () => {
    expect(lines[0]).toBe(MONTHLY_REPORT_CSV_HEADER);
    expect(lines).toContain('2026-11,sales,platform-a,"Platform A",subsidyFen,9007199254740993,false');
    expect(lines).toContain('2026-11,sales,shop-c,"Shop ""C""",tradeIns,,true');
    expect(lines).toContain('2026-11,sales,*,"total",tradeIns,21,false');
    expect(lines).toContain('2026-11,dispositions,*,"total",kgCo2eAvoided,,true');
    expect(lines).toContain('2026-11,custody_leakage,platform-a,"Platform A",leaked,3,false');
    expect(lines).toContain('2026-11,missing,shop-d,"Shop D",sales,overdue,false');
    expect(lines.at(-1)).toBe('');
  });

  it('defuses a firm name a spreadsheet would run as a formula', () => {
    expect(lines).toContain('2026-11,sales,platform-b,"\'=HYPERLINK(""x"")",tradeIns,,true');
  });
});

describe('report months', () => {
  it('steps across years, dates the 12th of the next month, and tells overdue and future months', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -2)).toBe('2025-11');
    expect(reportDueOn('2026-12')).toBe('2027-01-12');
    expect(isReportOverdue('2026-11', new Date('2026-12-12T20:00:00Z'))).toBe(false);
    expect(isReportOverdue('2026-11', new Date('2026-12-13T00:00:00Z'))).toBe(true);
    expect(isFutureMonth('2027-01', new Date('2026-12-31T23:59:59Z'))).toBe(true);
    expect(isFutureMonth('2026-12', new Date('2026-12-01T00:00:00Z'))).toBe(false);
  });
});
