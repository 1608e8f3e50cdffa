import type { PartyRole } from '../parties/parties.table.ts';
import type { HubContext } from './context.ts';
import { ForbiddenError, UnauthenticatedError } from './errors.graphql.ts';

/**
 * Which kind of token a root field acts for, kept in the field's GraphQL extensions so the token-kind
 * guard (src/server/token-kind-guard.ts) reads it from the schema: `user` fields (they call requireUser),
 * `any` fields, and by default party fields.
 */
export type TokenKind = 'user' | 'party' | 'any';
export const USER_TOKEN_FIELD = { tokenKind: 'user' } as const satisfies { tokenKind: TokenKind };
export const ANY_TOKEN_FIELD = { tokenKind: 'any' } as const satisfies { tokenKind: TokenKind };

/** The calling party, or a typed error: anonymous callers and user tokens never act as a party. */
export function requireParty(context: HubContext, roles?: readonly PartyRole[]): { partyId: string; role: PartyRole } {
  const principal = context.principal;
  if (principal === null) throw new UnauthenticatedError();
  if (principal.kind !== 'party') throw new ForbiddenError('forbidden.user_token', 'request must carry a party token, not a user token');
  if (roles !== undefined && !roles.includes(principal.role)) {
    throw new ForbiddenError('forbidden.role', `caller must be a ${roles.join(' or ')}`);
  }
  return principal;
}

/** The calling user (a platform-signed user token), or a typed error: party tokens never act as a user. */
export function requireUser(context: HubContext): { platformId: string; subjectRef: string } {
  const principal = context.principal;
  if (principal === null) throw new UnauthenticatedError();
  if (principal.kind !== 'user') throw new ForbiddenError('forbidden.party_token', 'request must carry a user token from the platform');
  return principal;
}
