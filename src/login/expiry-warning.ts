import type { LoginTransaction } from './queries.ts';

/*
 * A sign-in's code lives three minutes (transactions.ts), a security limit that stays. So that no one loses a
 * sign-in to it unwarned (WCAG 2.2.1, Timing Adjustable), the login page says this long before the end that the
 * code is about to expire, and offers a new one then.
 */
export const EXPIRY_WARNING_SECONDS = 30;

/** Seconds until `login`'s code ends, by this server's clock. */
export const secondsLeft = (login: Pick<LoginTransaction, 'expires_at'>, now = Date.now()): number =>
  Math.max(0, (login.expires_at.getTime() - now) / 1000);

/**
 * Whether the page's button may replace an open code: only near its end, with a few seconds more than the warning
 * for a slow request, so that a second press does not replace the new code the first one opened.
 */
export const endsSoon = (login: Pick<LoginTransaction, 'status' | 'expires_at'>): boolean =>
  (login.status === 'pending' || login.status === 'scanned') && secondsLeft(login) <= EXPIRY_WARNING_SECONDS + 10;
