import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { BrandEntry } from './shipped-brands.ts';
import { registerBrand, registerGradingScheme, unlistedModels, VocabularyError } from './vocabulary.service.ts';

builder.objectType(VocabularyError, {
  name: 'VocabularyRefused',
  description: 'A registration the hub refuses: the code names the rule, the message the field; never the value.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof VocabularyError,
});

const errors = { types: [UnauthenticatedError, ForbiddenError, VocabularyError] };

const BrandRef = builder.objectRef<BrandEntry>('Brand').implement({
  description: "A brand in the hub's registry; records and the catalogue store its id.",
  fields: (t) => ({
    id: t.exposeID('id'),
    nameZh: t.exposeString('nameZh'),
    nameEn: t.exposeString('nameEn'),
    aliases: t.exposeStringList('aliases'),
  }),
});

builder.mutationField('registerBrand', (t) =>
  t.field({
    type: BrandRef,
    description: 'Brand: adds a brand to the registry (beside the shipped list), so trade-ins and catalogue entries may name it.',
    errors,
    args: {
      id: t.arg.string({ required: true, description: 'Canonical id: 2–32 lowercase letters, digits and hyphens.' }),
      nameZh: t.arg.string({ required: true }),
      nameEn: t.arg.string({ required: true }),
      aliases: t.arg.stringList({ defaultValue: [] }),
    },
    resolve: (_root, args, context) => {
      const party = requireParty(context, ['brand']);
      return registerBrand(context.db, party, { id: args.id, nameZh: args.nameZh, nameEn: args.nameEn, aliases: args.aliases ?? [] }, context.now());
    },
  }),
);

builder.mutationField('registerGradingScheme', (t) =>
  t.field({
    type: ['String'],
    description: "Recycler: adds values to its own grading scheme (gradeScheme PROPRIETARY); returns the scheme's registered values.",
    errors,
    args: { values: t.arg.stringList({ required: true }) },
    resolve: (_root, args, context) => {
      const party = requireParty(context, ['recycler']);
      return registerGradingScheme(context.db, party, args.values, context.now());
    },
  }),
);

const UnlistedModelRef = builder.objectRef<{ brand: string; modelHash: string; records: number }>('UnlistedModel').implement({
  description: 'A model name trade-ins carried that its brand has not catalogued: kept only as a keyed hash.',
  fields: (t) => ({
    brand: t.exposeString('brand', { description: 'Canonical brand id.' }),
    modelHash: t.exposeString('modelHash', { description: 'Keyed hash of the normalised model name, base64url.' }),
    records: t.exposeInt('records'),
  }),
});

builder.queryField('unlistedModels', (t) =>
  t.field({
    type: [UnlistedModelRef],
    description: 'Operator: the most frequent uncatalogued models (hashes, brands, counts), so brands can be asked to catalogue them.',
    errors,
    args: { first: t.arg.int({ defaultValue: 50 }) },
    resolve: (_root, args, context) => {
      requireParty(context, ['operator']);
      return unlistedModels(context.db, Math.min(Math.max(args.first ?? 50, 1), 500));
    },
  }),
);
