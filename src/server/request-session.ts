import type { DbSession } from '../db/sessions.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import type { Principal } from './auth.ts';

/**
 * The database session a request runs in: the serving role `hub_app`, naming the calling party, or for a
 * user token the user's subject (and its platform) — never the party, so a user sees only their own rows.
 * Anonymous requests name nobody and see no party's rows at all.
 */
export function requestSession(principal: Principal | null, secret: Buffer): DbSession {
  if (principal === null) return { role: 'hub_app' };
  if (principal.kind === 'party') return { role: 'hub_app', partyId: principal.partyId };
  return { role: 'hub_app', subjectId: subjectIdFor(secret, principal.platformId, principal.subjectRef), platformId: principal.platformId };
}
