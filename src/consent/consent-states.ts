/** What a user can see of their consent to one purpose. `expired` and `withdrawn` are different things. */
export const CONSENT_STATES = ['never_asked', 'granted', 'refused', 'withdrawn', 'expired'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** What the ledger stores; `never_asked` is the absence of events, `expired` a granted one past its term. */
export type StoredConsentStatus = 'granted' | 'refused' | 'withdrawn';

export const CONSENT_ACTIONS = ['grant', 'refuse', 'withdraw'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/** How long a grant lasts before the user is asked again (PIPL: consent renewed, not perpetual). */
export const CONSENT_TERM_MONTHS = 12;

/**
 * The state a user is in at `now`. A grant whose expiry has passed is `expired`: it no longer counts in any
 * query, and only a new grant brings it back.
 */
export function effectiveConsentState(stored: { status: StoredConsentStatus; expiresAt: Date | null } | undefined, now: Date): ConsentState {
  if (stored === undefined) return 'never_asked';
  if (stored.status === 'granted' && stored.expiresAt !== null && stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  return stored.status;
}

export type ConsentTransition =
  { ok: true; status: StoredConsentStatus } | { ok: false; code: 'consent.not_granted' | 'consent.withdraw_instead'; message: string };

/**
 * The status an action leads to from a state. Granting is always possible (a repeat grant renews the term);
 * refusing is for a purpose not currently granted; withdrawing is for a granted (or lapsed) one — as easy
 * as granting, one action, no conditions.
 */
export function nextConsentStatus(current: ConsentState, action: ConsentAction): ConsentTransition {
  if (action === 'grant') return { ok: true, status: 'granted' };
  if (action === 'refuse') {
    return current === 'granted'
      ? { ok: false, code: 'consent.withdraw_instead', message: 'a granted consent must be withdrawn, not refused' }
      : { ok: true, status: 'refused' };
  }
  return current === 'granted' || current === 'expired'
    ? { ok: true, status: 'withdrawn' }
    : { ok: false, code: 'consent.not_granted', message: 'consent must be granted before it can be withdrawn' };
}

/** The instant `months` calendar months after `from` (UTC), clamped to the month's last day. */
export function addMonths(from: Date, months: number): Date {
  const result = new Date(from.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}
