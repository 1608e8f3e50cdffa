import type { ObjectRef } from '@pothos/core';
import { builder } from '../graphql/builder.ts';
import { AccessDeniedError, ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { monthlyReportCsv } from './monthly-report-csv.ts';
import {
  REPORT_TABLES,
  type CustodyLeakage,
  type DispositionFigures,
  type InspectionFigures,
  type LeakageFigures,
  type MissingFigures,
  type ReportRow,
  type ReportTable,
  type SalesFigures,
} from './monthly-report.ts';
import { ReportArgumentError, runMonthlyReport, type MonthlyReportAnswer } from './reports.service.ts';

// The domain error is the GraphQL type: defined once, registered here.
builder.objectType(ReportArgumentError, {
  name: 'ReportArgumentInvalid',
  description: 'The month is malformed or in the future; nothing was run or logged.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof ReportArgumentError,
  fields: (t) => ({ argument: t.exposeString('argument') }),
});

/**
 * One per-firm table type: its row (figures null when withheld) and the table with its total. The figures'
 * own type is built by the caller; the casts only bridge Pothos' conditional resolver types, which cannot
 * be resolved for a generic F.
 */
function reportTableType<F extends object>(name: string, description: string, Figures: ObjectRef<any, F>) {
  const Row = builder.objectRef<ReportRow<F>>(`${name}Row`).implement({
    fields: (t) => ({
      partyId: t.exposeString('partyId'),
      name: t.exposeString('name'),
      withheld: t.exposeBoolean('withheld', {
        description: 'Withheld whole: fewer than minGroupSize devices, or withheld so the total cannot give another cell away.',
      }),
      figures: t.field({ type: Figures, nullable: true, resolve: (r) => r.figures as never }),
    }),
  });
  return builder.objectRef<ReportTable<F>>(`${name}Table`).implement({
    description,
    fields: (t) => ({
      rows: t.field({ type: [Row], resolve: (r) => r.rows }),
      withheldCells: t.exposeInt('withheldCells'),
      total: t.field({
        type: Figures,
        nullable: true,
        description: 'Over every firm, withheld ones included; null below minGroupSize devices.',
        resolve: (r) => r.total as never,
      }),
    }),
  });
}

const SalesTableRef = reportTableType(
  'ReportSales',
  'Per platform, by trade-in month: its trade-ins, new purchases with a trade-in, their subsidies, and (where sent as tradein.v2) their list and paid prices.',
  builder.objectRef<SalesFigures>('ReportSalesFigures').implement({
    fields: (t) => ({
      tradeIns: t.exposeInt('tradeIns'),
      newPurchases: t.exposeInt('newPurchases', { description: 'Trade-ins that came with a new purchase.' }),
      subsidyFen: t.exposeString('subsidyFen', { description: 'Subsidies claimed on the trade-ins, integer fen as a string.' }),
      pricedPurchases: t.exposeInt('pricedPurchases', { description: 'New purchases sent with their list and paid price (tradein.v2).' }),
      unpricedPurchases: t.exposeInt('unpricedPurchases', { description: 'New purchases without prices (tradein.v1): not in the price sums.' }),
      listPriceFen: t.exposeString('listPriceFen', { description: "Sum of the priced new purchases' list prices, integer fen as a string." }),
      paidPriceFen: t.exposeString('paidPriceFen', { description: "Sum of the priced new purchases' paid prices, integer fen as a string." }),
      discountFen: t.exposeString('discountFen', {
        description: 'listPriceFen − paidPriceFen: the discount the users got on the priced purchases, subsidy included.',
      }),
      subsidyAboveDiscount: t.exposeInt('subsidyAboveDiscount', {
        description: 'Priced purchases whose subsidy exceeds their discount (list − paid): a subsidy claim the price does not show passed on.',
      }),
    }),
  }),
);
const InspectionsTableRef = reportTableType(
  'ReportInspections',
  'Per recycler, by inspection month: devices inspected.',
  builder.objectRef<InspectionFigures>('ReportInspectionsFigures').implement({
    fields: (t) => ({ inspectedDevices: t.exposeInt('inspectedDevices') }),
  }),
);
const DispositionsTableRef = reportTableType(
  'ReportDispositions',
  'Per recycler, by completion month: devices disposed of, dismantled units, kg and kg CO2e.',
  builder.objectRef<DispositionFigures>('ReportDispositionsFigures').implement({
    fields: (t) => ({
      disposedDevices: t.exposeInt('disposedDevices'),
      dismantledUnits: t.exposeInt('dismantledUnits'),
      kgDismantled: t.exposeFloat('kgDismantled', {
        description: 'kg of materials recovered from the dismantled units (processed weight where none were reported).',
      }),
      kgCo2eAvoided: t.exposeFloat('kgCo2eAvoided'),
    }),
  }),
);
const LeakageTableRef = reportTableType(
  'ReportCustodyLeakage',
  'Per platform: trade-ins of the judged month, those that reached a licensed handler in time, and the rest.',
  builder.objectRef<LeakageFigures>('ReportCustodyLeakageFigures').implement({
    fields: (t) => ({ tradeIns: t.exposeInt('tradeIns'), reached: t.exposeInt('reached'), leaked: t.exposeInt('leaked') }),
  }),
);

const ReportTableEnum = builder.enumType('ReportTableName', {
  values: Object.fromEntries(REPORT_TABLES.map((name) => [name.toUpperCase(), { value: name }])) as Record<string, { value: (typeof REPORT_TABLES)[number] }>,
});

const MissingRef = builder.objectRef<MissingFigures>('ReportMissingFigures').implement({
  description: 'An active firm with no figures in a table its capacities owe for the month.',
  fields: (t) => ({
    partyId: t.exposeString('partyId'),
    name: t.exposeString('name'),
    table: t.field({ type: ReportTableEnum, resolve: (m) => m.table }),
    overdue: t.exposeBoolean('overdue', { description: 'The 12th of the following month has passed (UTC).' }),
  }),
});

const CustodyLeakageRef = builder.objectRef<CustodyLeakage>('CustodyLeakage').implement({
  fields: (t) => ({
    periodMonths: t.exposeInt('periodMonths', { description: 'The policy’s period (custodyLeakageMonths).' }),
    tradeInMonth: t.exposeString('tradeInMonth', { description: 'The trade-ins judged: their period ended with the report month.' }),
    windowClosed: t.exposeBoolean('windowClosed', { description: 'The report month has ended, so these figures are final.' }),
    table: t.field({ type: LeakageTableRef, resolve: (c) => c.table }),
  }),
});

class MonthlyReport {
  constructor(readonly answer: MonthlyReportAnswer) {}
}

builder.objectType(MonthlyReport, {
  name: 'MonthlyReport',
  isTypeOf: (value) => value instanceof MonthlyReport,
  fields: (t) => ({
    queryId: t.id({ description: 'The id of this report in the access log.', resolve: (r) => r.answer.queryId }),
    month: t.string({ resolve: (r) => r.answer.month }),
    dueOn: t.string({ description: 'The day the month’s figures were due, YYYY-MM-DD.', resolve: (r) => r.answer.dueOn }),
    policyVersion: t.int({ resolve: (r) => r.answer.policyVersion }),
    minGroupSize: t.int({ resolve: (r) => r.answer.minGroupSize }),
    carbonFactorSet: t.string({ resolve: (r) => r.answer.carbonFactorSet }),
    sales: t.field({ type: SalesTableRef, resolve: (r) => r.answer.sales }),
    inspections: t.field({ type: InspectionsTableRef, resolve: (r) => r.answer.inspections }),
    dispositions: t.field({ type: DispositionsTableRef, resolve: (r) => r.answer.dispositions }),
    missing: t.field({ type: [MissingRef], resolve: (r) => r.answer.missing }),
    custodyLeakage: t.field({
      type: CustodyLeakageRef,
      nullable: true,
      description: 'Null when the policy sets no custodyLeakageMonths.',
      resolve: (r) => r.answer.custodyLeakage,
    }),
    csv: t.string({
      description: 'The whole report as CSV, one figure per line (header: month,table,party_id,firm,measure,value,withheld).',
      resolve: (r) => monthlyReportCsv(r.answer.month, r.answer),
    }),
    json: t.field({ type: 'JSON', description: 'The whole report as one JSON document, for export.', resolve: (r) => r.answer }),
  }),
});

builder.queryField('monthlyReport', (t) =>
  t.field({
    type: MonthlyReport,
    description:
      'Regulator only, statutory: the monthly report per firm, by the month the work was done, with totals, missing firms and custody leakage. Unbilled; every decision is in the access log.',
    errors: { types: [UnauthenticatedError, ForbiddenError, AccessDeniedError, ReportArgumentError] },
    args: { month: t.arg.string({ required: true, description: 'YYYY-MM, not after the current month.' }) },
    resolve: async (_root, args, context) => {
      if (context.principal === null) throw new UnauthenticatedError();
      const outcome = await runMonthlyReport({ db: context.db, policies: context.policies, now: context.now }, context.principal, args.month);
      if (!outcome.allowed) throw new AccessDeniedError(outcome.decision);
      return new MonthlyReport(outcome.answer);
    },
  }),
);
