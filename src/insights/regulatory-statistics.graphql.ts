import { builder } from '../graphql/builder.ts';
import { AccessDeniedError, ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import {
  MAX_STATISTICS_MONTHS,
  StatisticsArgumentError,
  runRegulatoryStatistics,
  type RegulatoryStatisticsAnswer,
  type RegulatoryStatisticsRow,
} from './regulatory-statistics.service.ts';

builder.objectType(StatisticsArgumentError, {
  name: 'StatisticsArgumentInvalid',
  description: 'An argument is malformed (a month not YYYY-MM, a range reversed or too long, an unknown category or province); nothing was run or logged.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof StatisticsArgumentError,
  fields: (t) => ({
    argument: t.exposeString('argument', { description: 'The argument at fault: fromMonth, toMonth, category or province.' }),
  }),
});

const RegulatoryStatisticsRowRef = builder.objectRef<RegulatoryStatisticsRow>('RegulatoryStatisticsRow').implement({
  description: 'One released cell: trade-in month × category × province, over every record (anonymous ones too).',
  fields: (t) => ({
    month: t.exposeString('month', { description: 'Trade-in month, YYYY-MM.' }),
    category: t.exposeString('category'),
    province: t.exposeString('province', { nullable: true, description: 'Province code (e.g. 110000); null for records without a region ("unknown").' }),
    tradeIns: t.exposeInt('tradeIns', { description: 'Trade-ins in the cell (always at least minGroupSize).' }),
    inspections: t.exposeInt('inspections', { description: 'Trade-ins with at least one inspection.' }),
    dismantledUnits: t.exposeInt('dismantledUnits', { description: 'Trade-ins whose latest disposition is dismantled_recycled.' }),
    kgRecovered: t.exposeFloat('kgRecovered', {
      description: 'kg of materials recovered from the dismantled units; a unit reporting no materials counts its processed weight.',
    }),
    kgCo2eAvoided: t.exposeFloat('kgCo2eAvoided', { description: 'kg CO2e avoided, hub-computed with carbonFactorSet.' }),
  }),
});

class RegulatoryStatistics {
  constructor(readonly answer: RegulatoryStatisticsAnswer) {}
}

builder.objectType(RegulatoryStatistics, {
  name: 'RegulatoryStatistics',
  isTypeOf: (value) => value instanceof RegulatoryStatistics,
  fields: (t) => ({
    queryId: t.id({ description: 'The id of this query in the access log.', resolve: (s) => s.answer.queryId }),
    policyVersion: t.int({ resolve: (s) => s.answer.policyVersion }),
    minGroupSize: t.int({ description: 'k: a cell is released only with at least this many trade-ins.', resolve: (s) => s.answer.minGroupSize }),
    rows: t.field({
      type: [RegulatoryStatisticsRowRef],
      description: 'Released cells, by month, category, then province (unknown last).',
      resolve: (s) => s.answer.rows,
    }),
    suppressedCells: t.int({
      description:
        'Cells with fewer than minGroupSize trade-ins, withheld whole: none of their figures is released, and they are never merged with other cells across regions, months or categories.',
      resolve: (s) => s.answer.suppressedCells,
    }),
    carbonFactorSet: t.string({ description: 'The versioned factor set kgCo2eAvoided was computed with.', resolve: (s) => s.answer.carbonFactorSet }),
  }),
});

builder.queryField('regulatoryStatistics', (t) =>
  t.field({
    type: RegulatoryStatistics,
    description: `Regulator only, statutory: per trade-in month × category × province, trade-ins, inspections, dismantled units, kg recovered and kg CO2e avoided over every record, consented or not. At most ${MAX_STATISTICS_MONTHS} months per request; unbilled; every decision is in the access log.`,
    errors: { types: [UnauthenticatedError, ForbiddenError, AccessDeniedError, StatisticsArgumentError] },
    args: {
      fromMonth: t.arg.string({ required: true, description: 'First trade-in month, YYYY-MM.' }),
      toMonth: t.arg.string({ required: true, description: 'Last trade-in month, YYYY-MM, inclusive.' }),
      category: t.arg.stringList({ description: 'Only these device categories.' }),
      province: t.arg.stringList({ description: 'Only these province codes (records without a region are then left out).' }),
    },
    resolve: async (_root, args, context) => {
      if (context.principal === null) throw new UnauthenticatedError();
      const outcome = await runRegulatoryStatistics({ db: context.db, policies: context.policies, now: context.now }, context.principal, {
        fromMonth: args.fromMonth,
        toMonth: args.toMonth,
        category: args.category,
        province: args.province,
      });
      if (!outcome.allowed) throw new AccessDeniedError(outcome.decision);
      return new RegulatoryStatistics(outcome.answer);
    },
  }),
);
