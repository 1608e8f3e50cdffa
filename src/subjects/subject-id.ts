import { keyedHash, uuidFromHash } from '../hub-keys/keyed-hash.ts';

/**
 * The vault id of a platform's user: a keyed hash of (platform, subjectRef), so ingest and a user's token
 * find the same subject without a lookup, and the id reveals nothing without the hub's secret.
 */
export function subjectIdFor(secret: Buffer, platformId: string, subjectRef: string): string {
  return uuidFromHash(keyedHash(secret, 'subject', platformId, subjectRef));
}
