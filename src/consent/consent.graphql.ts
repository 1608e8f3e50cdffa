import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireUser, USER_TOKEN_FIELD } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import { CONSENT_STATES, type ConsentAction } from './consent-states.ts';
import { changeConsent, ConsentError, consentOverview, type ConsentChange, type ConsentContext, type PurposeConsent } from './consent.service.ts';

builder.objectType(ConsentError, {
  name: 'ConsentNotChanged',
  description: 'The change does not apply (a purpose users are not asked about, or withdrawing what was never granted).',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof ConsentError,
});

export const ConsentStateEnum = builder.enumType('ConsentState', {
  values: Object.fromEntries(CONSENT_STATES.map((state) => [state.toUpperCase(), { value: state }])) as Record<
    string,
    { value: (typeof CONSENT_STATES)[number] }
  >,
});

export function consentContextOf(context: HubContext): ConsentContext {
  return { db: context.db, secret: context.secret, policies: context.policies, signingKey: context.signingKey, hubId: context.config.hubId, now: context.now };
}

const LocalizedTextRef = builder.objectRef<{ zh: string; en: string }>('LocalizedText').implement({
  fields: (t) => ({ zh: t.exposeString('zh'), en: t.exposeString('en') }),
});

export const PurposeConsentRef = builder.objectRef<PurposeConsent>('PurposeConsent').implement({
  description: 'One purpose the user may be asked about: who may use which data for what, the terms, and the user’s current answer.',
  fields: (t) => ({
    purpose: t.string({ resolve: (c) => c.policy.id }),
    policyVersion: t.int({ resolve: (c) => c.policy.version }),
    title: t.field({ type: LocalizedTextRef, resolve: (c) => c.policy.title }),
    description: t.field({ type: LocalizedTextRef, resolve: (c) => c.policy.description }),
    rolesAllowed: t.stringList({ description: 'Who may query under this purpose.', resolve: (c) => [...c.policy.rolesAllowed] }),
    dimensions: t.stringList({ description: 'Fields that may be grouped or filtered.', resolve: (c) => [...c.policy.dimensions] }),
    measures: t.stringList({ description: 'Aggregates that may be computed.', resolve: (c) => [...c.policy.measures] }),
    minGroupSize: t.int({ description: 'No released row counts fewer distinct users than this.', resolve: (c) => c.policy.minGroupSize }),
    pricePerSubjectFen: t.int({ resolve: (c) => c.policy.pricePerSubjectFen }),
    usersShareBp: t.int({ description: "Users' share of each query's price, in basis points.", resolve: (c) => c.policy.revenueSplitBp.users }),
    state: t.field({ type: ConsentStateEnum, resolve: (c) => c.state }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.expiresAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.updatedAt }),
  }),
});

export const ConsentChangeRef = builder.objectRef<ConsentChange>('ConsentChange').implement({
  description: 'The recorded change and its receipt: a JWS signed by the hub, verifiable with /.well-known/jwks.json.',
  fields: (t) => ({
    purpose: t.exposeString('purpose'),
    state: t.field({ type: ConsentStateEnum, resolve: (c) => c.state }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.expiresAt }),
    changedAt: t.field({ type: 'DateTime', resolve: (c) => c.changedAt }),
    receiptId: t.exposeID('receiptId'),
    receipt: t.exposeString('receipt'),
  }),
});

class ConsentChanged {
  constructor(readonly change: ConsentChange) {}
}

builder.objectType(ConsentChanged, {
  name: 'ConsentChanged',
  isTypeOf: (value) => value instanceof ConsentChanged,
  fields: (t) => ({ change: t.field({ type: ConsentChangeRef, resolve: (c) => c.change }) }),
});

const MUTATIONS: Record<ConsentAction, { name: string; description: string }> = {
  grant: { name: 'grantConsent', description: 'Lets the purpose count the calling user from now on (for 12 months).' },
  refuse: { name: 'refuseConsent', description: 'Records that the calling user says no to the purpose; nothing else changes for them.' },
  withdraw: { name: 'withdrawConsent', description: 'Stops the purpose counting the calling user from the next query on; earnings so far stay earned.' },
};

for (const [action, { name, description }] of Object.entries(MUTATIONS) as [ConsentAction, (typeof MUTATIONS)[ConsentAction]][]) {
  builder.mutationField(name, (t) =>
    t.field({
      type: ConsentChanged,
      description,
      extensions: USER_TOKEN_FIELD,
      errors: { types: [UnauthenticatedError, ForbiddenError, ConsentError] },
      args: { purpose: t.arg.string({ required: true }) },
      resolve: async (_root, args, context) => {
        const user = requireUser(context);
        return new ConsentChanged(await changeConsent(consentContextOf(context), user, args.purpose, action));
      },
    }),
  );
}

builder.queryField('consentPurposes', (t) =>
  t.field({
    type: [PurposeConsentRef],
    description: 'Every purpose users are asked about, with the calling user’s answer.',
    extensions: USER_TOKEN_FIELD,
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    resolve: async (_root, _args, context) => consentOverview(consentContextOf(context), requireUser(context)),
  }),
);
