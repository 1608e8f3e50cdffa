import type { PartyRole } from '../parties/parties.table.ts';

/**
 * Who is calling: a party signing for itself, or a user whose platform signed for them. Outside src/server
 * so domains can name their caller without importing the HTTP layer (src/server/auth.ts verifies tokens
 * into one of these).
 */
export type Principal =
  | { readonly kind: 'party'; readonly partyId: string; readonly role: PartyRole }
  | { readonly kind: 'user'; readonly platformId: string; readonly subjectRef: string };
