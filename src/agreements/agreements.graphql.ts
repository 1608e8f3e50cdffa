import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import * as agreements from './agreements.repository.ts';
import {
  AgreementError,
  decideAgreement,
  requestAgreement,
  terminateAgreement,
  viewAgreement,
  type AgreementContext,
  type AgreementView,
} from './agreements.service.ts';
import { AGREEMENT_STATUSES } from './agreements.table.ts';

builder.objectType(AgreementError, {
  name: 'AgreementNotChanged',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof AgreementError,
});

const AgreementStatusEnum = builder.enumType('AgreementStatus', {
  values: Object.fromEntries([...AGREEMENT_STATUSES, 'expired'].map((s) => [s.toUpperCase(), { value: s }])) as Record<
    string,
    { value: AgreementView['effectiveStatus'] }
  >,
});

class AgreementResult {
  constructor(readonly agreement: AgreementView) {}
}

const AgreementRef = builder.objectRef<AgreementView>('Agreement').implement({
  description:
    "A party's data-use agreement for one purpose: requested, then approved (active for the policy's term) or rejected; either side may terminate it.",
  fields: (t) => ({
    id: t.exposeID('id'),
    partyId: t.exposeString('party_id'),
    purpose: t.exposeString('purpose'),
    policyVersion: t.exposeInt('policy_version'),
    status: t.field({ type: AgreementStatusEnum, resolve: (a) => a.effectiveStatus }),
    requestedAt: t.field({ type: 'DateTime', resolve: (a) => a.requested_at }),
    decidedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.decided_at }),
    validFrom: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.valid_from }),
    validTo: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.valid_to }),
    terminatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.terminated_at }),
  }),
});

builder.objectType(AgreementResult, {
  name: 'AgreementResult',
  isTypeOf: (value) => value instanceof AgreementResult,
  fields: (t) => ({ agreement: t.field({ type: AgreementRef, resolve: (r) => r.agreement }) }),
});

function agreementContextOf(context: HubContext): AgreementContext {
  return { db: context.db, policies: context.policies, now: context.now };
}

async function asResult(work: () => Promise<AgreementView>): Promise<AgreementResult> {
  return new AgreementResult(await work());
}

const errors = { types: [UnauthenticatedError, ForbiddenError, AgreementError] };

builder.mutationField('requestAgreement', (t) =>
  t.field({
    type: AgreementResult,
    description: 'Asks for a data-use agreement for a purpose; purposes with automatic approval are active at once.',
    errors,
    args: { purpose: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => asResult(() => requestAgreement(agreementContextOf(context), requireParty(context), args.purpose)),
  }),
);

builder.mutationField('approveAgreement', (t) =>
  t.field({
    type: AgreementResult,
    description: 'Operator: approves a requested agreement; it is active from now for the policy’s term.',
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      asResult(() => decideAgreement(agreementContextOf(context), requireParty(context, ['operator']).partyId, String(args.id), true)),
  }),
);

builder.mutationField('rejectAgreement', (t) =>
  t.field({
    type: AgreementResult,
    description: 'Operator: rejects a requested agreement.',
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      asResult(() => decideAgreement(agreementContextOf(context), requireParty(context, ['operator']).partyId, String(args.id), false)),
  }),
);

builder.mutationField('terminateAgreement', (t) =>
  t.field({
    type: AgreementResult,
    description: 'Ends an active agreement (the party holding it or the operator); later queries under it are refused.',
    errors,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => asResult(() => terminateAgreement(agreementContextOf(context), requireParty(context), String(args.id))),
  }),
);

builder.queryField('myAgreements', (t) =>
  t.field({
    type: [AgreementRef],
    description: "The calling party's agreements, newest first.",
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    resolve: async (_root, _args, context) => {
      const party = requireParty(context);
      const now = context.now();
      return (await agreements.listPartyAgreements(context.db, party.partyId)).map((row) => viewAgreement(row, now));
    },
  }),
);

builder.queryField('agreements', (t) =>
  t.field({
    type: [AgreementRef],
    description: 'Operator: agreements, newest first, optionally by stored status (e.g. REQUESTED to review).',
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { status: t.arg({ type: AgreementStatusEnum }) },
    resolve: async (_root, args, context) => {
      requireParty(context, ['operator']);
      const now = context.now();
      const status = args.status === 'expired' || args.status == null ? undefined : args.status;
      const rows = (await agreements.listAgreementsByStatus(context.db, status)).map((row) => viewAgreement(row, now));
      return args.status === 'expired' ? rows.filter((row) => row.effectiveStatus === 'expired') : rows;
    },
  }),
);
