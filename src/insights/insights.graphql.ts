import { builder } from '../graphql/builder.ts';
import { AccessDeniedError, ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { LedgerError } from '../ledger/ledger-error.ts';
import type { RequestFilters } from '../policy/evaluate-policy.ts';
import { POLICY_DIMENSIONS, POLICY_MEASURES, type PolicyDimension, type PolicyMeasure } from '../policy/policy-vocabulary.ts';
import { runInsights, type InsightRow, type InsightsAnswer } from './insights.service.ts';

const DimensionEnum = builder.enumType('InsightDimension', {
  values: Object.fromEntries(POLICY_DIMENSIONS.map((d) => [d, { value: d }])) as Record<string, { value: PolicyDimension }>,
});

const MeasureEnum = builder.enumType('InsightMeasure', {
  values: Object.fromEntries(POLICY_MEASURES.map((m) => [m, { value: m }])) as Record<string, { value: PolicyMeasure }>,
});

const FilterInput = builder.inputType('InsightFilter', {
  description: 'Equality/in filters on dimensions the policy allows, plus a trade-in month range (YYYY-MM).',
  fields: (t) =>
    ({
      ...Object.fromEntries(POLICY_DIMENSIONS.map((d) => [d, t.stringList({ required: false })])),
      tradeInMonthFrom: t.string({ required: false }),
      tradeInMonthTo: t.string({ required: false }),
    }) as never,
});

const InsightRowRef = builder.objectRef<InsightRow>('InsightRow').implement({
  fields: (t) => ({
    keys: t.field({ type: 'JSON', description: 'Dimension → value; null on the remainder row.', resolve: (r) => r.keys }),
    remainder: t.exposeBoolean('remainder', { description: 'The row merging every group below k; keys are null.' }),
    subjects: t.exposeInt('subjects', { description: 'Distinct consenting subjects in the row (always ≥ k in truth; noisy under differential privacy).' }),
    values: t.field({ type: 'JSON', description: 'Measure → number, or value → share for distributions.', resolve: (r) => r.values }),
  }),
});

const NoiseRef = builder.objectRef<NonNullable<InsightsAnswer['noise']>>('InsightNoise').implement({
  description:
    'Differential privacy applied to this answer: every figure carries discrete Laplace noise; ε was charged to the monthly budget unless this very answer was already given this month.',
  fields: (t) => ({
    mechanism: t.exposeString('mechanism'),
    epsilonSpent: t.exposeFloat('epsilonSpent', { description: 'ε this answer cost: 0 for a repeat of a request over unchanged data.' }),
    epsilonRemaining: t.exposeFloat('epsilonRemaining', { description: "ε left of this month's budget for this purpose." }),
    monthlyBudget: t.exposeFloat('monthlyBudget'),
    repeat: t.exposeBoolean('repeat', { description: 'True when this request over this data was already answered this month: same figures, no ε.' }),
    releaseThreshold: t.exposeInt('releaseThreshold', { description: 'The noisy count a row needed to be released.' }),
    withheldRecords: t.exposeInt('withheldRecords', { description: 'Noisy estimate of the records in rows not released; never an exact small count.' }),
  }),
});

class Insights {
  constructor(readonly answer: InsightsAnswer) {}
}

builder.objectType(Insights, {
  name: 'Insights',
  isTypeOf: (value) => value instanceof Insights,
  fields: (t) => ({
    queryId: t.id({ resolve: (i) => i.answer.queryId }),
    purpose: t.string({ resolve: (i) => i.answer.purpose }),
    policyVersion: t.int({ resolve: (i) => i.answer.policyVersion }),
    minGroupSize: t.int({ resolve: (i) => i.answer.minGroupSize }),
    rows: t.field({ type: [InsightRowRef], resolve: (i) => i.answer.rows }),
    suppressedGroups: t.int({
      nullable: true,
      description:
        'Groups below k, merged into the remainder row (their sizes are not told); null under differential privacy, where even their number is withheld (see noise.withheldRecords).',
      resolve: (i) => i.answer.suppressedGroups,
    }),
    remainderDropped: t.boolean({
      nullable: true,
      description: 'True when the remainder row itself stayed below k and was dropped; null under differential privacy (no remainder row).',
      resolve: (i) => i.answer.remainderDropped,
    }),
    subjectsCounted: t.int({
      nullable: true,
      description: 'Exact distinct subjects counted; null under differential privacy and for statutory queries.',
      resolve: (i) => i.answer.subjectsCounted,
    }),
    priceFen: t.int({
      nullable: true,
      description: 'What the query costs (fen); null where the exact subject count is not released.',
      resolve: (i) => i.answer.priceFen,
    }),
    noise: t.field({
      type: NoiseRef,
      nullable: true,
      description: 'Set when differential privacy applied: the figures carry discrete Laplace noise.',
      resolve: (i) => i.answer.noise,
    }),
    carbonFactorSet: t.string({ resolve: (i) => i.answer.carbonFactorSet }),
  }),
});

builder.queryField('insights', (t) =>
  t.field({
    type: Insights,
    description: 'Anonymised aggregates for a declared purpose: only consenting subjects count, every row has at least k of them.',
    errors: { types: [UnauthenticatedError, ForbiddenError, AccessDeniedError, LedgerError] },
    args: {
      purpose: t.arg.string({ required: true }),
      groupBy: t.arg({ type: [DimensionEnum], required: true }),
      measures: t.arg({ type: [MeasureEnum], required: true }),
      filter: t.arg({ type: FilterInput }),
    },
    resolve: async (_root, args, context) => {
      if (context.principal === null) throw new UnauthenticatedError();
      const filters = Object.fromEntries(
        Object.entries((args.filter ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined),
      ) as RequestFilters;
      const outcome = await runInsights(
        { db: context.db, policies: context.policies, now: context.now, secret: context.secret, noise: context.config.insightsNoise },
        context.principal,
        { purpose: args.purpose, groupBy: args.groupBy, measures: args.measures, filters },
      );
      // A query billed into a period already closed (a clock behind the payout run's) throws a LedgerError,
      // answered as LedgerRefused; nothing is kept.
      if (!outcome.allowed) throw new AccessDeniedError(outcome.decision);
      return new Insights(outcome.answer);
    },
  }),
);
