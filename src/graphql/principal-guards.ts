import type { PartyRole } from '../parties/parties.table.ts';
import type { HubContext } from '../server/context.ts';
import { ForbiddenError, UnauthenticatedError } from './errors.graphql.ts';

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
