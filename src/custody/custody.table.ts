/**
 * One link of a ticket's custody chain: who holds the device from when, and from whom they got it. Parties
 * and times only; nothing about the user. The open link (`released_at` null) is the current holder.
 */
export interface TicketCustodyTable {
  ticket_id: string;
  /** 0 for the platform that issued the ticket, then one more per hand-over. */
  sequence: number;
  holder_id: string;
  /** The party that handed the ticket over; null for the first link (the issuing platform). */
  from_party_id: string | null;
  handed_over_at: Date;
  /** When the holder handed the ticket on; null while it holds it. */
  released_at: Date | null;
}
