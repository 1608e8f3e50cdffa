import { createHmac } from 'node:crypto';

/**
 * The platform's pseudonym for a user: HMAC-SHA256 of the platform's own user id under a key that never
 * leaves the platform, base64url without padding (43 characters). Stable per user and key, so the hub can
 * link a user's trade-ins for consent and payouts, and irreversible without the key, so the hub cannot
 * recover the user id (a short id space would make a plain hash brute-forceable).
 */
export function subjectRefFor(key: Uint8Array, userId: string): string {
  return createHmac('sha256', key).update(userId, 'utf8').digest('base64url');
}
