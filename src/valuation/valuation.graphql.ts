import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
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
    observed: t.field({ type: ObservedRef, nullable: true, description: 'Null when fewer devices than the standard’s minDevices back it.', resolve: (r) => r.observed }),
  }),
});

builder.queryField('referenceValue', (t) =>
  t.field({
    type: ReferenceValueRef,
    description: 'Platforms and users: the reference value of a catalogue model at a grade and age (and faults), by the published standard and the pooled observed values.',
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
