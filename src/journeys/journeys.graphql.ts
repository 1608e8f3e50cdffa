import { CustodyChainRef } from '../custody/custody.graphql.ts';
import { custodyChainForMember, CustodyError } from '../custody/custody.service.ts';
import { builder } from '../graphql/builder.ts';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.graphql.ts';
import { requireParty } from '../graphql/principal-guards.ts';
import type { HubContext } from '../graphql/context.ts';
import { DeviceWipeRef, selfDeclaredOf } from '../wipes/wipes.graphql.ts';
import { wipeFactsOfTickets } from '../wipes/wipes.repository.ts';
import type { CustodyTradeInRow, PlatformJourneyRow } from './journeys.repository.ts';
import { custodyTradeIn, custodyTradeIns, isJourneyCursor, MAX_JOURNEY_PAGE, platformJourney, platformJourneys, type JourneyPage } from './journeys.service.ts';

const TicketJourneyRef = builder.objectRef<PlatformJourneyRow>('TicketJourney').implement({
  description:
    'What became of one of the platform’s trade-ins: the latest grade and final valuation, the disposition, the wipe status and the custody chain. Model-level facts and parties only.',
  fields: (t) => ({
    ticket: t.exposeID('ticket_id'),
    category: t.exposeString('category'),
    brand: t.exposeString('brand'),
    model: t.exposeString('model', { nullable: true }),
    tradeInMonth: t.exposeString('trade_in_month'),
    quotedValuationFen: t.exposeString('quoted_valuation_fen', { description: 'Integer fen, as a string (64-bit).' }),
    grade: t.exposeString('grade', { nullable: true, description: 'The latest inspection’s grade; null before any.' }),
    inspectedMonth: t.exposeString('inspected_month', { nullable: true }),
    finalValuationFen: t.exposeString('final_valuation_fen', {
      nullable: true,
      description: 'The latest inspection’s final valuation, integer fen as a string.',
    }),
    disposition: t.exposeString('disposition', { nullable: true, description: 'The latest disposition; null before any.' }),
    dispositionMonth: t.exposeString('completed_month', { nullable: true }),
    wipe: t.field({
      type: DeviceWipeRef,
      resolve: async (row, _args, context: HubContext) => ({
        facts: (await wipeFactsOfTickets(context.db, [row.ticket_id])).get(row.ticket_id)!,
        selfDeclared: selfDeclaredOf(row.data_wipe),
      }),
    }),
    custodyChain: t.field({
      type: CustodyChainRef,
      resolve: async (row, _args, context: HubContext) => {
        const party = requireParty(context);
        const chain = await custodyChainForMember(context.db, party.partyId, row.ticket_id);
        // The platform is the chain's first link of its own tickets.
        if (chain === undefined) throw new Error('a platform’s own ticket without its custody chain');
        return chain;
      },
    }),
  }),
});

const CustodyTradeInRef = builder.objectRef<CustodyTradeInRow>('CustodyTradeIn').implement({
  description: 'The trade-in facts of a device in the caller’s custody (held now or before): what the platform recorded when it took the device in.',
  fields: (t) => ({
    ticket: t.exposeID('ticket_id'),
    category: t.exposeString('category'),
    brand: t.exposeString('brand'),
    model: t.exposeString('model', { nullable: true }),
    usageMonths: t.exposeInt('usage_months'),
    tradeInMonth: t.exposeString('trade_in_month'),
    quotedValuationFen: t.exposeString('quoted_valuation_fen', { description: 'Integer fen, as a string (64-bit).' }),
    holdsNow: t.exposeBoolean('holds_now', { description: 'Whether the caller holds the device now (else it handed it on).' }),
  }),
});

function pageRef<T extends { ticket_id: string }>(name: string, node: typeof TicketJourneyRef | typeof CustodyTradeInRef) {
  return builder.objectRef<JourneyPage<T>>(name).implement({
    fields: (t) => ({
      nodes: t.field({ type: [node] as never, resolve: (page) => page.rows as never }),
      hasNextPage: t.exposeBoolean('hasNextPage'),
      endCursor: t.string({ nullable: true, description: 'Pass as `after` for the next page.', resolve: (page) => page.rows.at(-1)?.ticket_id ?? null }),
    }),
  });
}

const TicketJourneyPageRef = pageRef<PlatformJourneyRow>('TicketJourneyPage', TicketJourneyRef);
const CustodyTradeInPageRef = pageRef<CustodyTradeInRow>('CustodyTradeInPage', CustodyTradeInRef);

function cursorOf(after: string | null | undefined): { after?: string } {
  if (after == null) return {};
  if (!isJourneyCursor(after)) throw new ForbiddenError('cursor.invalid', 'after must be an endCursor this API returned');
  return { after };
}

builder.queryField('ticketJourney', (t) =>
  t.field({
    type: TicketJourneyRef,
    description: 'Platform only: the journey of one of its own tickets. Another platform’s ticket is answered as an unknown one.',
    errors: { types: [UnauthenticatedError, ForbiddenError, CustodyError] },
    args: { ticket: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => platformJourney(context.db, requireParty(context, ['platform']).partyId, String(args.ticket)),
  }),
);

builder.queryField('myTicketJourneys', (t) =>
  t.field({
    type: TicketJourneyPageRef,
    description: `Platform only: the journeys of its own tickets, newest first (at most ${MAX_JOURNEY_PAGE} a page).`,
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string({ description: 'The endCursor of the previous page.' }) },
    resolve: (_root, args, context) =>
      platformJourneys(context.db, requireParty(context, ['platform']).partyId, { first: args.first ?? 50, ...cursorOf(args.after) }),
  }),
);

builder.queryField('tradeInInCustody', (t) =>
  t.field({
    type: CustodyTradeInRef,
    description: 'Recycler (or dismantler) only: the trade-in facts of a ticket it holds or held. Any other ticket is answered as an unknown one.',
    errors: { types: [UnauthenticatedError, ForbiddenError, CustodyError] },
    args: { ticket: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => custodyTradeIn(context.db, requireParty(context, ['recycler']).partyId, String(args.ticket)),
  }),
);

builder.queryField('tradeInsInCustody', (t) =>
  t.field({
    type: CustodyTradeInPageRef,
    description: `Recycler (or dismantler) only: the trade-in facts of the tickets it holds or held, newest first (at most ${MAX_JOURNEY_PAGE} a page).`,
    errors: { types: [UnauthenticatedError, ForbiddenError] },
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string({ description: 'The endCursor of the previous page.' }) },
    resolve: (_root, args, context) =>
      custodyTradeIns(context.db, requireParty(context, ['recycler']).partyId, { first: args.first ?? 50, ...cursorOf(args.after) }),
  }),
);
