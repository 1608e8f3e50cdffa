import { isUuid } from '../db/ids.ts';
import type { DbOrTx } from '../db/database.ts';
import { CHAIN_NOT_FOUND, CustodyError } from '../custody/custody.service.ts';
import * as journeys from './journeys.repository.ts';

/** A page of rows and whether another follows; the cursor is the last row's ticket. */
export interface JourneyPage<T> {
  rows: T[];
  hasNextPage: boolean;
}

export const MAX_JOURNEY_PAGE = 200;

/** A cursor this API returned (a ticket id); anything else is refused by the caller, never echoed. */
export function isJourneyCursor(value: string): boolean {
  return isUuid(value);
}

function pageOf<T>(rows: T[], first: number): JourneyPage<T> {
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** The platform's own tickets' journeys, newest first. */
export async function platformJourneys(
  db: DbOrTx,
  platformId: string,
  page: { first: number; after?: string },
): Promise<JourneyPage<journeys.PlatformJourneyRow>> {
  const first = Math.min(Math.max(page.first, 1), MAX_JOURNEY_PAGE);
  const rows = await journeys.listPlatformJourneys(db, platformId, { first, ...(page.after === undefined ? {} : { before: page.after.toLowerCase() }) });
  return pageOf(rows, first);
}

/**
 * One of the platform's own tickets' journey. Throws CustodyError `reference.ticket_not_found` alike for an
 * unknown ticket, a malformed one and another platform's: "not yours" is "not found".
 */
export async function platformJourney(db: DbOrTx, platformId: string, ticket: string): Promise<journeys.PlatformJourneyRow> {
  const row = isUuid(ticket) ? (await journeys.listPlatformJourneys(db, platformId, { first: 1, ticket: ticket.toLowerCase() }))[0] : undefined;
  if (row === undefined) throw new CustodyError(CHAIN_NOT_FOUND.code, CHAIN_NOT_FOUND.message);
  return row;
}

/** The trade-in facts of tickets the recycler holds or held, newest first. */
export async function custodyTradeIns(db: DbOrTx, partyId: string, page: { first: number; after?: string }): Promise<JourneyPage<journeys.CustodyTradeInRow>> {
  const first = Math.min(Math.max(page.first, 1), MAX_JOURNEY_PAGE);
  const rows = await journeys.listCustodyTradeIns(db, partyId, { first, ...(page.after === undefined ? {} : { before: page.after.toLowerCase() }) });
  return pageOf(rows, first);
}

/** The trade-in facts of one ticket in the recycler's custody chain; `reference.ticket_not_found` otherwise. */
export async function custodyTradeIn(db: DbOrTx, partyId: string, ticket: string): Promise<journeys.CustodyTradeInRow> {
  const row = isUuid(ticket) ? (await journeys.listCustodyTradeIns(db, partyId, { first: 1, ticket: ticket.toLowerCase() }))[0] : undefined;
  if (row === undefined) throw new CustodyError(CHAIN_NOT_FOUND.code, CHAIN_NOT_FOUND.message);
  return row;
}
