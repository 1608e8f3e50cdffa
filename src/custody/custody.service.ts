import type { Db, DbOrTx } from '../db/database.ts';
import { isUuid } from '../db/ids.ts';
import { keyedHash } from '../hub-keys/keyed-hash.ts';
import { findParty } from '../parties/parties.repository.ts';
import * as submissions from '../submissions/submissions.repository.ts';
import * as custody from './custody.repository.ts';
import type { CustodyLinkRow } from './custody.repository.ts';
import { HubError } from '../errors/hub-errors.ts';

/**
 * A trade-in named by its ticket or by the issuing platform's own reference (as documents name it). Values
 * come from callers unchecked: a malformed one resolves to nothing, like an unknown one.
 */
export type TicketReference = { ticket: string } | { tradeIn: { platform: string; externalRef: string } };

export type CustodyErrorCode = 'reference.ticket_not_found' | 'custody.reference_invalid' | 'custody.recipient_invalid';

/** An expected refusal of a custody operation; the message names the rule, never a value. */
export class CustodyError extends HubError {
  override readonly name = 'CustodyError';
  constructor(
    override readonly code: CustodyErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * The one answer for a ticket the caller may not write: unknown, malformed, or held by someone else alike,
 * so references cannot be probed.
 */
export const TICKET_NOT_HELD = { code: 'reference.ticket_not_found', message: 'must refer to a trade-in ticket the caller holds' } as const;
/** The one answer for a chain the caller may not read: unknown ticket, or a chain the caller is not in. */
export const CHAIN_NOT_FOUND = {
  code: 'reference.ticket_not_found',
  message: 'must refer to a trade-in ticket whose custody chain includes the caller',
} as const;

// The schema's patterns (defs.schema.json#/$defs/partyId, #/$defs/externalRef): anything else names nothing.
const PARTY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const EXTERNAL_REF = /^[A-Za-z0-9._:/-]{1,64}$/;

export interface CustodyContext {
  db: Db;
  /** The hub's keyed-hash secret: platform references are looked up by their HMAC. */
  secret: Buffer;
  now: () => Date;
}

export interface CustodyChain {
  ticket: string;
  links: CustodyLinkRow[];
}

/** The party that holds the ticket now: the open link's holder. */
export function currentHolder(chain: CustodyChain): string {
  const open = chain.links.find((link) => link.released_at === null);
  if (open === undefined) throw new Error('custody chain without an open link');
  return open.holder_id;
}

/**
 * The ticket ids references name, in order; undefined where a reference is malformed or names no trade-in.
 * Ticket ids are returned as given (existence is checked with custody); platform references are looked up
 * by the platform's keyed hash, one query per platform.
 */
export async function resolveTicketReferences(
  tx: DbOrTx,
  secret: Buffer,
  references: readonly (TicketReference | undefined)[],
): Promise<(string | undefined)[]> {
  const resolved: (string | undefined)[] = new Array(references.length).fill(undefined);
  const byPlatform = new Map<string, { index: number; key: Buffer }[]>();
  references.forEach((reference, index) => {
    if (reference === undefined) return;
    if ('ticket' in reference) {
      if (isUuid(reference.ticket)) resolved[index] = reference.ticket.toLowerCase();
      return;
    }
    const { platform, externalRef } = reference.tradeIn;
    if (!PARTY_ID.test(platform) || !EXTERNAL_REF.test(externalRef)) return;
    const list = byPlatform.get(platform) ?? [];
    list.push({ index, key: keyedHash(secret, 'submission', platform, 'tradein', externalRef) });
    byPlatform.set(platform, list);
  });
  for (const [platform, list] of byPlatform) {
    const found = await submissions.findTradeInTickets(
      tx,
      platform,
      list.map((entry) => entry.key),
    );
    const ticketByKey = new Map(found.map((row) => [row.key_hash.toString('hex'), row.ticket_id]));
    for (const { index, key } of list) resolved[index] = ticketByKey.get(key.toString('hex')) ?? undefined;
  }
  return resolved;
}

/**
 * For each reference, the ticket and its record if the holder holds that ticket now; undefined otherwise
 * (malformed, unknown, or someone else's: the caller must answer all three alike). The open links found are
 * locked until the transaction ends (see lockTicketsHeldBy), so the answer stays true while the caller writes.
 */
export async function findHeldTickets(
  tx: DbOrTx,
  secret: Buffer,
  holderId: string,
  references: readonly (TicketReference | undefined)[],
): Promise<({ ticketId: string; recordId: string } | undefined)[]> {
  const ticketIds = await resolveTicketReferences(tx, secret, references);
  const held = await custody.lockTicketsHeldBy(
    tx,
    holderId,
    ticketIds.filter((id): id is string => id !== undefined),
  );
  return ticketIds.map((ticketId) => {
    const ticket = ticketId === undefined ? undefined : held.get(ticketId);
    return ticketId === undefined || ticket === undefined ? undefined : { ticketId, recordId: ticket.recordId };
  });
}

/** Of these party ids, those of registered recyclers that are not disabled. */
export async function findActiveRecyclers(tx: DbOrTx, partyIds: readonly string[]): Promise<Set<string>> {
  const recyclers = new Set<string>();
  for (const id of new Set(partyIds)) {
    if (!PARTY_ID.test(id)) continue;
    const party = await findParty(tx, id);
    if (party?.role === 'recycler' && party.disabledAt === null) recyclers.add(id);
  }
  return recyclers;
}

/**
 * Hands a ticket from its current holder to a recycler (a platform to the recycler it ships to, a recycler
 * on to a dismantler) and returns the chain after the hand-over. Throws CustodyError: `custody.reference_invalid`
 * unless exactly one of ticket and tradeIn is given, `custody.recipient_invalid` unless `to` is a registered,
 * active recycler other than the caller, and `reference.ticket_not_found` when the caller does not hold the
 * ticket — including when it does not exist, so the answer tells nothing about other parties' tickets.
 */
export async function handOverTicket(
  context: CustodyContext,
  holderId: string,
  reference: { ticket?: string | null; tradeIn?: { platform: string; externalRef: string } | null },
  to: string,
): Promise<CustodyChain> {
  const named = singleReference(reference);
  return context.db.transaction().execute(async (tx) => {
    if (to === holderId || !(await findActiveRecyclers(tx, [to])).has(to)) {
      throw new CustodyError('custody.recipient_invalid', 'to must name a registered recycler other than the current holder');
    }
    const [ticketId] = await resolveTicketReferences(tx, context.secret, [named]);
    const now = context.now();
    // Closing the open link is the custody check: it matches only if the caller holds the ticket now, and a
    // racing hand-over that closed it first leaves nothing to match.
    const sequence = ticketId === undefined ? undefined : await custody.releaseHeldTicket(tx, ticketId, holderId, now);
    if (ticketId === undefined || sequence === undefined) throw new CustodyError(TICKET_NOT_HELD.code, TICKET_NOT_HELD.message);
    await custody.insertCustodyLinks(tx, [
      { ticket_id: ticketId, sequence: sequence + 1, holder_id: to, from_party_id: holderId, handed_over_at: now, released_at: null },
    ]);
    return { ticket: ticketId, links: await custody.findCustodyChain(tx, ticketId) };
  });
}

/**
 * The custody chain of a ticket for a party that holds or held it. Throws CustodyError
 * `reference.ticket_not_found` alike for an unknown ticket and for a chain the party is not in.
 */
export async function readCustodyChain(
  context: CustodyContext,
  partyId: string,
  reference: { ticket?: string | null; tradeIn?: { platform: string; externalRef: string } | null },
): Promise<CustodyChain> {
  const named = singleReference(reference);
  const [ticketId] = await resolveTicketReferences(context.db, context.secret, [named]);
  const chain = ticketId === undefined ? undefined : await custodyChainForMember(context.db, partyId, ticketId);
  if (chain === undefined) throw new CustodyError(CHAIN_NOT_FOUND.code, CHAIN_NOT_FOUND.message);
  return chain;
}

/** The chain of a ticket the party holds or held; undefined for any other ticket. */
export async function custodyChainForMember(db: DbOrTx, partyId: string, ticketId: string): Promise<CustodyChain | undefined> {
  if (!isUuid(ticketId)) return undefined;
  const links = await custody.findCustodyChain(db, ticketId.toLowerCase());
  if (!links.some((link) => link.holder_id === partyId)) return undefined;
  return { ticket: ticketId.toLowerCase(), links };
}

function singleReference(reference: { ticket?: string | null; tradeIn?: { platform: string; externalRef: string } | null }): TicketReference {
  const hasTicket = reference.ticket != null;
  const hasTradeIn = reference.tradeIn != null;
  if (hasTicket === hasTradeIn) throw new CustodyError('custody.reference_invalid', 'must name exactly one of ticket and tradeIn');
  return hasTicket ? { ticket: reference.ticket! } : { tradeIn: reference.tradeIn! };
}
