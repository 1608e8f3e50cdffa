import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** A platform's trade-in and what became of it: the latest inspection and disposition, any recycler's. */
export interface PlatformJourneyRow {
  ticket_id: string;
  category: string;
  brand: string;
  model: string | null;
  trade_in_month: string;
  quoted_valuation_fen: string;
  grade: string | null;
  final_valuation_fen: string | null;
  inspected_month: string | null;
  disposition: string | null;
  completed_month: string | null;
  /** The latest inspection's own `dataWipe` statement (certificate reference hashed), as stored. */
  data_wipe: Record<string, unknown> | null;
}

/**
 * The platform's own tickets, newest first (UUIDv7 order), `first` + 1 rows so the caller can tell whether
 * a next page exists; `before` is the last ticket of the previous page; `ticket` narrows to one. The
 * platform reads other parties' inspections and dispositions of its own records through the
 * `inspections_platform` / `dispositions_platform` policies; the explicit platform filter keeps it to its own.
 */
export async function listPlatformJourneys(
  db: DbOrTx,
  platformId: string,
  page: { first: number; before?: string; ticket?: string },
): Promise<PlatformJourneyRow[]> {
  const before = page.before === undefined ? sql`true` : sql`t.id < ${page.before}::uuid`;
  const only = page.ticket === undefined ? sql`true` : sql`t.id = ${page.ticket}::uuid`;
  const { rows } = await sql<PlatformJourneyRow>`
    select t.id as ticket_id, r.category, r.brand, r.model, to_char(r.trade_in_month, 'YYYY-MM') as trade_in_month,
           r.quoted_valuation_fen::text as quoted_valuation_fen,
           i.grade, i.final_valuation_fen::text as final_valuation_fen, to_char(i.inspected_month, 'YYYY-MM') as inspected_month,
           d.disposition, to_char(d.completed_month, 'YYYY-MM') as completed_month, i.data_wipe
    from tickets t
    join records r on r.id = t.record_id
    left join lateral (
      select grade, final_valuation_fen, inspected_month, data_wipe from inspections
      where record_id = t.record_id order by created_at desc, id desc limit 1
    ) i on true
    left join lateral (
      select disposition, completed_month from dispositions
      where record_id = t.record_id order by created_at desc, id desc limit 1
    ) d on true
    where t.platform_id = ${platformId} and ${before} and ${only}
    order by t.id desc
    limit ${page.first + 1}`.execute(db);
  return rows;
}

/** The trade-in facts of a ticket in a party's custody (held now or before), for a recycler or dismantler. */
export interface CustodyTradeInRow {
  ticket_id: string;
  category: string;
  brand: string;
  model: string | null;
  usage_months: number;
  trade_in_month: string;
  quoted_valuation_fen: string;
  /** Whether the party holds the ticket now. */
  holds_now: boolean;
}

/**
 * Tickets the party holds or held, newest first, `first` + 1 rows; `ticket` narrows to one. The records are
 * readable through the `records_custody` policy (a party in the ticket's custody chain).
 */
export async function listCustodyTradeIns(
  db: DbOrTx,
  partyId: string,
  page: { first: number; before?: string; ticket?: string },
): Promise<CustodyTradeInRow[]> {
  const before = page.before === undefined ? sql`true` : sql`ticket_id < ${page.before}::uuid`;
  const only = page.ticket === undefined ? sql`true` : sql`ticket_id = ${page.ticket}::uuid`;
  const { rows } = await sql<CustodyTradeInRow>`
    select c.ticket_id, r.category, r.brand, r.model, r.usage_months, to_char(r.trade_in_month, 'YYYY-MM') as trade_in_month,
           r.quoted_valuation_fen::text as quoted_valuation_fen, c.holds_now
    from (
      select ticket_id, bool_or(released_at is null) as holds_now from ticket_custody
      where holder_id = ${partyId} and ${before} and ${only}
      group by ticket_id order by ticket_id desc limit ${page.first + 1}
    ) c
    join tickets t on t.id = c.ticket_id
    join records r on r.id = t.record_id
    order by c.ticket_id desc`.execute(db);
  return rows;
}
