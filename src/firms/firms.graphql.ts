import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import { FirmError } from './firm-error.ts';
import type { FirmRow } from './firms.repository.ts';
import { listFirms } from './firms.repository.ts';
import { registerFirm, setFirmStatus } from './firms.service.ts';
import { FIRM_CAPACITIES, FIRM_STATUSES, type FirmCapacity, type FirmStatus } from './firms.table.ts';

// The domain error is the GraphQL type: defined once, registered here.
builder.objectType(FirmError, {
  name: 'FirmRefused',
  description: 'The registry entry breaks a rule of the registry; nothing was stored.',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof FirmError,
  fields: (t) => ({ field: t.exposeString('field', { description: 'The argument at fault.' }) }),
});

export const FirmCapacityEnum = builder.enumType('FirmCapacity', {
  description: 'A capacity in which a firm takes part in the programme (the local scheme’s 企业类别, plus the hub’s own parties).',
  values: Object.fromEntries(FIRM_CAPACITIES.map((c) => [c.toUpperCase(), { value: c }])) as Record<string, { value: FirmCapacity }>,
});

export const FirmStatusEnum = builder.enumType('FirmStatus', {
  values: Object.fromEntries(FIRM_STATUSES.map((s) => [s.toUpperCase(), { value: s }])) as Record<string, { value: FirmStatus }>,
});

const FirmRef = builder.objectRef<FirmRow>('Firm').implement({
  description: 'A participating firm in the registry. No contact data is kept.',
  fields: (t) => ({
    partyId: t.exposeString('partyId'),
    name: t.exposeString('displayName'),
    role: t.exposeString('role', { description: 'The party’s role in the hub.' }),
    capacities: t.field({ type: [FirmCapacityEnum], resolve: (f) => f.capacities }),
    creditCode: t.exposeString('creditCode', {
      nullable: true,
      description: 'Unified social credit code (GB 32100-2015, check character verified); none for regulators and the operator.',
    }),
    licenceNumber: t.exposeString('licenceNumber', { nullable: true, description: 'A dismantler’s processing licence number.' }),
    licenceValidUntil: t.exposeString('licenceValidUntil', { nullable: true, description: 'Last day the licence is valid, YYYY-MM-DD.' }),
    status: t.field({ type: FirmStatusEnum, resolve: (f) => f.status }),
    registeredAt: t.field({ type: 'DateTime', resolve: (f) => f.registeredAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (f) => f.updatedAt }),
  }),
});

class FirmResult {
  constructor(readonly firm: FirmRow) {}
}

builder.objectType(FirmResult, {
  name: 'FirmResult',
  isTypeOf: (value) => value instanceof FirmResult,
  fields: (t) => ({ firm: t.field({ type: FirmRef, resolve: (r) => r.firm }) }),
});

const errors = { types: [UnauthenticatedError, ForbiddenError, FirmError] };

builder.mutationField('registerFirm', (t) =>
  t.field({
    type: FirmResult,
    description: 'Operator: registers a party as a participating firm, or replaces its entry.',
    errors,
    args: {
      partyId: t.arg.string({ required: true }),
      capacities: t.arg({ type: [FirmCapacityEnum], required: true }),
      creditCode: t.arg.string({ description: 'Required unless the party is only a regulator or the operator.' }),
      licenceNumber: t.arg.string({ description: 'A dismantler’s processing licence; required for dismantlers, refused for others.' }),
      licenceValidUntil: t.arg.string({ description: 'YYYY-MM-DD; with licenceNumber.' }),
      status: t.arg({ type: FirmStatusEnum, required: true }),
    },
    resolve: async (_root, args, context) => {
      requireParty(context, ['operator']);
      return new FirmResult(
        await registerFirm(
          context.db,
          {
            partyId: args.partyId,
            capacities: args.capacities,
            creditCode: args.creditCode ?? null,
            licenceNumber: args.licenceNumber ?? null,
            licenceValidUntil: args.licenceValidUntil ?? null,
            status: args.status,
          },
          context.now(),
        ),
      );
    },
  }),
);

builder.mutationField('setFirmStatus', (t) =>
  t.field({
    type: FirmResult,
    description: 'Operator: admits, suspends or withdraws a registered firm.',
    errors,
    args: { partyId: t.arg.string({ required: true }), status: t.arg({ type: FirmStatusEnum, required: true }) },
    resolve: async (_root, args, context) => {
      requireParty(context, ['operator']);
      return new FirmResult(await setFirmStatus(context.db, args.partyId, args.status, context.now()));
    },
  }),
);

builder.queryField('firms', (t) =>
  t.field({
    type: [FirmRef],
    description: 'Regulator or operator: the firm registry with credit codes and licences, optionally one capacity or status.',
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { capacity: t.arg({ type: FirmCapacityEnum }), status: t.arg({ type: FirmStatusEnum }) },
    resolve: async (_root, args, context) => {
      requireParty(context, ['regulator', 'operator']);
      return listFirms(context.db, { ...(args.capacity ? { capacity: args.capacity } : {}), ...(args.status ? { status: args.status } : {}) });
    },
  }),
);
