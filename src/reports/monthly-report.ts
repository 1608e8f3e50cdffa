import type { FirmCapacity } from '../firms/firms.table.ts';
import type { DispositionCellRow, InspectionCellRow, LeakageCellRow, ReportingFirmRow, SalesCellRow } from './reports.repository.ts';
import { isReportOverdue } from './report-month.ts';
import { withholdSmallCells, type ReportCell } from './withhold-cells.ts';

/** The report's per-firm tables, named as in its CSV. */
export const REPORT_TABLES = ['sales', 'inspections', 'dispositions'] as const;
export type ReportTableName = (typeof REPORT_TABLES)[number];

/** Which tables a firm of a capacity is expected to have figures in each month (the scheme's 销售、回收、拆解). */
export const TABLES_OF_CAPACITY: Readonly<Partial<Record<FirmCapacity, ReportTableName>>> = {
  sales_firm: 'sales',
  ecommerce_platform: 'sales',
  recycler: 'inspections',
  dismantler: 'dispositions',
};

/**
 * A platform's sales figures. The prices come from tradein.v2 only: `pricedPurchases` of the `newPurchases`
 * carry them, `unpricedPurchases` (tradein.v1, or sent before v2) do not; `discountFen` = list − paid over
 * the priced ones; `subsidyAboveDiscount` counts priced purchases whose subsidy exceeds their discount.
 */
export interface SalesFigures {
  tradeIns: number;
  newPurchases: number;
  subsidyFen: string;
  pricedPurchases: number;
  unpricedPurchases: number;
  listPriceFen: string;
  paidPriceFen: string;
  discountFen: string;
  subsidyAboveDiscount: number;
}
export interface InspectionFigures {
  inspectedDevices: number;
}
export interface DispositionFigures {
  disposedDevices: number;
  dismantledUnits: number;
  kgDismantled: number;
  kgCo2eAvoided: number;
}
export interface LeakageFigures {
  tradeIns: number;
  reached: number;
  leaked: number;
}

/** A firm's line: its figures, or null when withheld. */
export interface ReportRow<F> {
  partyId: string;
  name: string;
  withheld: boolean;
  figures: F | null;
}

export interface ReportTable<F> {
  rows: ReportRow<F>[];
  withheldCells: number;
  /** Over every firm, withheld ones included; null when the table counts fewer than k devices. */
  total: F | null;
}

export interface MissingFigures {
  partyId: string;
  name: string;
  table: ReportTableName;
  overdue: boolean;
}

export interface CustodyLeakage {
  /** The policy's period: a device must reach a licensed handler by the end of this many months after its trade-in month. */
  periodMonths: number;
  /** The trade-ins judged: those whose period ends with the report month. */
  tradeInMonth: string;
  /** Whether the report month has ended, so the figures can no longer improve. */
  windowClosed: boolean;
  table: ReportTable<LeakageFigures>;
}

export interface MonthlyReportTables {
  sales: ReportTable<SalesFigures>;
  inspections: ReportTable<InspectionFigures>;
  dispositions: ReportTable<DispositionFigures>;
  missing: MissingFigures[];
  custodyLeakage: CustodyLeakage | null;
}

export interface MonthlyReportInput {
  month: string;
  k: number;
  now: Date;
  sales: readonly SalesCellRow[];
  inspections: readonly InspectionCellRow[];
  dispositions: readonly DispositionCellRow[];
  activeFirms: readonly ReportingFirmRow[];
  leakage: { periodMonths: number; tradeInMonth: string; windowClosed: boolean; rows: readonly LeakageCellRow[] } | null;
}

/** A platform's sales cell with the figures derived from it: purchases without prices, the discount. */
function salesFigures(cell: Omit<SalesCellRow, 'partyId' | 'name'>): SalesFigures {
  return {
    ...cell,
    unpricedPurchases: cell.newPurchases - cell.pricedPurchases,
    discountFen: (BigInt(cell.listPriceFen) - BigInt(cell.paidPriceFen)).toString(),
  };
}

/** Integer fen (strings, as bigint columns are read) summed exactly. */
function sumFen<F>(rows: readonly F[], pick: (figures: F) => string): string {
  return rows.reduce((total, f) => total + BigInt(pick(f)), 0n).toString();
}

/**
 * Builds the report's tables from the per-firm figures (pure): each table protected with
 * `withholdSmallCells` and totalled over every firm; the active firms with no figures in a table their
 * capacities owe, marked overdue once the 12th of the following month has passed (UTC); and the custody
 * leakage per platform. A firm with no work in a month has no row, so it is listed as missing: the hub
 * cannot tell "nothing happened" from "nothing was sent".
 */
export function buildMonthlyReport(input: MonthlyReportInput): MonthlyReportTables {
  const sales = protect(
    input.sales.map(({ partyId, name, ...cell }) => ({ key: partyId, name, units: cell.tradeIns, figures: salesFigures(cell) })),
    input.k,
    (rows) => ({
      tradeIns: sum(rows, (f) => f.tradeIns),
      newPurchases: sum(rows, (f) => f.newPurchases),
      subsidyFen: sumFen(rows, (f) => f.subsidyFen),
      pricedPurchases: sum(rows, (f) => f.pricedPurchases),
      unpricedPurchases: sum(rows, (f) => f.unpricedPurchases),
      listPriceFen: sumFen(rows, (f) => f.listPriceFen),
      paidPriceFen: sumFen(rows, (f) => f.paidPriceFen),
      discountFen: sumFen(rows, (f) => f.discountFen),
      subsidyAboveDiscount: sum(rows, (f) => f.subsidyAboveDiscount),
    }),
  );
  const inspections = protect(
    input.inspections.map(({ partyId, name, ...figures }) => ({ key: partyId, name, units: figures.inspectedDevices, figures })),
    input.k,
    (rows) => ({
      inspectedDevices: sum(rows, (f) => f.inspectedDevices),
    }),
  );
  const dispositions = protect(
    input.dispositions.map(({ partyId, name, ...figures }) => ({ key: partyId, name, units: figures.disposedDevices, figures })),
    input.k,
    (rows) => ({
      disposedDevices: sum(rows, (f) => f.disposedDevices),
      dismantledUnits: sum(rows, (f) => f.dismantledUnits),
      kgDismantled: round3(sum(rows, (f) => f.kgDismantled)),
      kgCo2eAvoided: round3(sum(rows, (f) => f.kgCo2eAvoided)),
    }),
  );

  const present: Record<ReportTableName, Set<string>> = {
    sales: new Set(input.sales.map((row) => row.partyId)),
    inspections: new Set(input.inspections.map((row) => row.partyId)),
    dispositions: new Set(input.dispositions.map((row) => row.partyId)),
  };
  const overdue = isReportOverdue(input.month, input.now);
  const missing: MissingFigures[] = [];
  for (const firm of input.activeFirms) {
    const owed = new Set(firm.capacities.map((c) => TABLES_OF_CAPACITY[c]).filter((t): t is ReportTableName => t !== undefined));
    for (const table of REPORT_TABLES) {
      if (owed.has(table) && !present[table].has(firm.partyId)) missing.push({ partyId: firm.partyId, name: firm.name, table, overdue });
    }
  }

  const custodyLeakage =
    input.leakage === null
      ? null
      : {
          periodMonths: input.leakage.periodMonths,
          tradeInMonth: input.leakage.tradeInMonth,
          windowClosed: input.leakage.windowClosed,
          table: protect(
            input.leakage.rows.map(({ partyId, name, tradeIns, reached }) => ({
              key: partyId,
              name,
              units: tradeIns,
              figures: { tradeIns, reached, leaked: tradeIns - reached },
            })),
            input.k,
            (rows) => ({ tradeIns: sum(rows, (f) => f.tradeIns), reached: sum(rows, (f) => f.reached), leaked: sum(rows, (f) => f.leaked) }),
          ),
        };
  return { sales, inspections, dispositions, missing, custodyLeakage };
}

function protect<F>(cells: (ReportCell<F> & { name: string })[], k: number, total: (figures: F[]) => F): ReportTable<F> {
  const names = new Map(cells.map((cell) => [cell.key, cell.name]));
  const table = withholdSmallCells(cells, k);
  return {
    rows: table.cells.map((cell) => ({ partyId: cell.key, name: names.get(cell.key)!, withheld: cell.withheld, figures: cell.withheld ? null : cell.figures })),
    withheldCells: table.withheldCells,
    total: table.totalReleased ? total(cells.map((cell) => cell.figures)) : null,
  };
}

const sum = <F>(rows: F[], pick: (row: F) => number) => rows.reduce((total, row) => total + pick(row), 0);
const round3 = (value: number) => Math.round(value * 1000) / 1000;
