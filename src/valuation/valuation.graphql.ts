import { builder } from '../graphql/builder.ts';
import { AccessDeniedError, ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { LOW_RATIO_BP, PERSISTENT_MONTHS, type FairnessCell } from './fairness-watch.ts';
import { FairnessArgumentError, runValuationFairness } from './fairness.service.ts';
import { ANY_TOKEN_FIELD } from '../graphql/principal-guards.ts';
import { VALUATION_STANDARD } from './published-standard.ts';
import { referenceValue, ValuationError, type ReferenceValue } from './valuation.service.ts';

// The domain error is the GraphQL type: defined once, registered here.
builder.objectType(ValuationError, {
  name: 'ValuationRefused',
  description: 'A grade, age or fault outside the standard, or a model the catalogue does not hold.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof ValuationError,
  fields: (t) => ({ argument: t.exposeString('argument') }),
});

const ObservedRef = builder.objectRef<NonNullable<ReferenceValue['observed']>>('ObservedValue').implement({
  description: 'Pooled final valuations of the same model and grade in the same age band, with differential-privacy noise.',
  fields: (t) => ({
    meanFen: t.exposeInt('meanFen', { description: 'Noisy mean final valuation, integer fen.' }),
    devices: t.exposeInt('devices', { description: 'Noisy number of devices behind the mean.' }),
    ageFromMonths: t.exposeInt('ageFromMonths'),
    ageToMonths: t.exposeInt('ageToMonths'),
    epsilon: t.exposeFloat('epsilon'),
  }),
});

const ReferenceValueRef = builder.objectRef<ReferenceValue>('ReferenceValue').implement({
  description: 'A fair reference value under the published valuation standard (/valuation-standard).',
  fields: (t) => ({
    standardVersion: t.exposeString('standardVersion'),
    category: t.exposeString('category'),
    launchPriceFen: t.exposeInt('launchPriceFen'),
    formulaFen: t.exposeInt('formulaFen', { description: 'The standard’s formula, integer fen.' }),
    observed: t.field({
      type: ObservedRef,
      nullable: true,
      description: 'Null when fewer devices than the standard’s minDevices back it.',
      resolve: (r) => r.observed,
    }),
  }),
});

builder.queryField('referenceValue', (t) =>
  t.field({
    type: ReferenceValueRef,
    description:
      'Platforms and users: the reference value of a catalogue model at a grade and age (and faults), by the published standard and the pooled observed values.',
    extensions: ANY_TOKEN_FIELD,
    errors: { types: [UnauthenticatedError, ForbiddenError, ValuationError] },
    args: {
      brand: t.arg.string({ required: true }),
      model: t.arg.string({ required: true }),
      grade: t.arg.string({ required: true, description: 'A grade of the standard: A, B, C, D, E or X.' }),
      ageMonths: t.arg.int({ required: true, description: 'Months since the model’s launch.' }),
      faults: t.arg.stringList({ description: 'Fault codes found; each deducts its share of the launch price.' }),
    },
    resolve: async (_root, args, context) => {
      const principal = context.principal;
      if (principal === null) throw new UnauthenticatedError();
      if (principal.kind === 'party' && principal.role !== 'platform') throw new ForbiddenError('forbidden.role', 'caller must be a platform or a user');
      return referenceValue(
        { db: context.db, secret: context.secret, standard: VALUATION_STANDARD, now: context.now },
        { brand: args.brand, model: args.model, grade: args.grade, ageMonths: args.ageMonths, faults: args.faults ?? null },
      );
    },
  }),
);

builder.objectType(FairnessArgumentError, {
  name: 'FairnessArgumentInvalid',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof FairnessArgumentError,
  fields: (t) => ({ argument: t.exposeString('argument') }),
});

const FairnessCellRef = builder.objectRef<FairnessCell>('ValuationFairnessCell').implement({
  description: 'One platform and trade-in month: quotes against the standard’s reference for the condition the recycler found.',
  fields: (t) => ({
    platformId: t.exposeString('platformId'),
    month: t.exposeString('month'),
    devices: t.exposeInt('devices'),
    medianRatioBp: t.exposeInt('medianRatioBp', { description: 'Median quoted ÷ reference, basis points (10000 = at the reference).' }),
    shareBelowBp: t.exposeInt('shareBelowBp', { description: `Share of quotes below ${LOW_RATIO_BP / 100}% of the reference, basis points.` }),
  }),
});

class ValuationFairness {
  constructor(readonly answer: Extract<Awaited<ReturnType<typeof runValuationFairness>>, { allowed: true }>['answer']) {}
}

builder.objectType(ValuationFairness, {
  name: 'ValuationFairness',
  isTypeOf: (value) => value instanceof ValuationFairness,
  fields: (t) => ({
    queryId: t.id({ resolve: (f) => f.answer.queryId }),
    standardVersion: t.string({ resolve: (f) => f.answer.standardVersion }),
    minGroupSize: t.int({ resolve: (f) => f.answer.minGroupSize }),
    cells: t.field({ type: [FairnessCellRef], resolve: (f) => f.answer.cells }),
    withheldCells: t.int({
      description: 'Platform-months with fewer than minGroupSize inspected devices, withheld whole.',
      resolve: (f) => f.answer.withheldCells,
    }),
    flaggedPlatforms: t.stringList({
      description: `Platforms whose median ratio was below ${LOW_RATIO_BP / 100}% in ${PERSISTENT_MONTHS} or more consecutive released months.`,
      resolve: (f) => f.answer.flaggedPlatforms,
    }),
  }),
});

builder.queryField('valuationFairness', (t) =>
  t.field({
    type: ValuationFairness,
    description:
      'Regulator only, statutory: per platform and trade-in month, quoted valuations against the published standard’s reference value; persistently low platforms flagged. Logged in the access log.',
    errors: { types: [UnauthenticatedError, ForbiddenError, AccessDeniedError, FairnessArgumentError] },
    args: { fromMonth: t.arg.string({ required: true }), toMonth: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      if (context.principal === null) throw new UnauthenticatedError();
      const outcome = await runValuationFairness(
        { db: context.db, policies: context.policies, standard: VALUATION_STANDARD, now: context.now },
        context.principal,
        args.fromMonth,
        args.toMonth,
      );
      if (!outcome.allowed) throw new AccessDeniedError(outcome.decision);
      return new ValuationFairness(outcome.answer);
    },
  }),
);
