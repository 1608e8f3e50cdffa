import { builder } from '../graphql/builder.ts';
import { ForbiddenError, HubErrorInterface, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import { SubmissionRef } from '../submissions/submissions.graphql.ts';
import type { CustodyLinkRow } from './custody.repository.ts';
import {
  currentHolder,
  custodyChainForMember,
  CustodyError,
  handOverTicket,
  readCustodyChain,
  type CustodyChain,
  type CustodyContext,
} from './custody.service.ts';

builder.objectType(CustodyError, {
  name: 'CustodyRefused',
  description:
    'The custody operation does not apply. `reference.ticket_not_found` is the same answer for an unknown ticket and for one the caller does not hold (or, reading a chain, was never in).',
  interfaces: [HubErrorInterface],
  isTypeOf: (value) => value instanceof CustodyError,
});

const TradeInReferenceInput = builder.inputType('TradeInReferenceInput', {
  description: "A trade-in named by the platform that submitted it and that platform's externalRef.",
  fields: (t) => ({
    platform: t.string({ required: true }),
    externalRef: t.string({ required: true }),
  }),
});

const CustodyLinkRef = builder.objectRef<CustodyLinkRow>('CustodyLink').implement({
  description: 'One holder of a device: who, since when, from whom. Parties and times only.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence', { description: '0 for the issuing platform, then one more per hand-over.' }),
    holder: t.exposeString('holder_id', { description: 'The party that holds (or held) the device.' }),
    from: t.exposeString('from_party_id', { nullable: true, description: 'The party that handed it over; null for the issuing platform.' }),
    handedOverAt: t.field({ type: 'DateTime', resolve: (link) => link.handed_over_at }),
    releasedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When this holder handed it on; null while it holds it.',
      resolve: (link) => link.released_at,
    }),
  }),
});

export const CustodyChainRef = builder.objectRef<CustodyChain>('CustodyChain').implement({
  description: 'Who has held a traded-in device, in order. Only the current holder may submit inspections and dispositions for it or hand it on.',
  fields: (t) => ({
    ticket: t.exposeID('ticket'),
    holder: t.string({ description: 'The current holder.', resolve: (chain) => currentHolder(chain) }),
    links: t.field({ type: [CustodyLinkRef], resolve: (chain) => chain.links }),
  }),
});

function custodyContextOf(context: HubContext): CustodyContext {
  return { db: context.db, secret: context.secret, now: context.now };
}

builder.mutationField('handOverTicket', (t) =>
  t.field({
    type: CustodyChainRef,
    description:
      'Hands a ticket the caller holds to a recycler: a platform to the recycler it ships the device to, a recycler on to a dismantler. Name the ticket or the trade-in (exactly one). Returns the chain after the hand-over.',
    errors: { types: [UnauthenticatedError, ForbiddenError, CustodyError] },
    args: {
      ticket: t.arg.id(),
      tradeIn: t.arg({ type: TradeInReferenceInput }),
      to: t.arg.string({ required: true, description: 'The recycler party id.' }),
    },
    resolve: async (_root, args, context) => {
      const party = requireParty(context, ['platform', 'recycler']);
      return handOverTicket(
        custodyContextOf(context),
        party.partyId,
        { ticket: args.ticket == null ? null : String(args.ticket), tradeIn: args.tradeIn ?? null },
        args.to,
      );
    },
  }),
);

builder.queryField('custodyChain', (t) =>
  t.field({
    type: CustodyChainRef,
    description: 'The custody chain of a ticket the caller holds or held. Name the ticket or the trade-in (exactly one).',
    errors: { types: [UnauthenticatedError, ForbiddenError, CustodyError] },
    args: {
      ticket: t.arg.id(),
      tradeIn: t.arg({ type: TradeInReferenceInput }),
    },
    resolve: async (_root, args, context) => {
      const party = requireParty(context);
      return readCustodyChain(custodyContextOf(context), party.partyId, {
        ticket: args.ticket == null ? null : String(args.ticket),
        tradeIn: args.tradeIn ?? null,
      });
    },
  }),
);

builder.objectField(SubmissionRef, 'custodyChain', (t) =>
  t.field({
    type: CustodyChainRef,
    nullable: true,
    description: "The custody chain of the submission's ticket while the caller is in it; null for a catalogue entry.",
    resolve: async (row, _args, context) => {
      if (row.ticket_id === null) return null;
      const party = requireParty(context);
      return (await custodyChainForMember(context.db, party.partyId, row.ticket_id)) ?? null;
    },
  }),
);
