import type { LoginTransaction } from './queries.ts';

/*
 * A sign-in's code lives three minutes (transactions.ts), a security limit that stays. So that no one loses a
 * sign-in to it unwarned (WCAG 2.2.1, Timing Adjustable), the login page says this long before the end that the
 * code is about to expire, and what to do about it.
 */
export const EXPIRY_WARNING_SECONDS = 30;

/** How near its end an open code may be replaced: the warning's time, and a little more for a slow request. */
const EARLY_RENEWAL_SECONDS = EXPIRY_WARNING_SECONDS + 10;

/**
 * The least a new code must last beyond the one it replaces to be worth offering. A code never outlives its
 * sign-in (ten minutes), so near the sign-in's end a new one would end no later than the old.
 */
const WORTHWHILE_GAIN_SECONDS = 30;

/** What the warning tells a citizen to do, by the code's state. */
export type ExpiryAdvice =
  /** Show a new QR code: it will last longer. */
  | 'renew'
  /** The whole sign-in ends with this code: start again at the service. */
  | 'sign_in_ends'
  /** The phone has scanned it: answer there, as a new code would cancel what is being typed. */
  | 'answer_on_phone';

/**
 * The advice for `login`'s code, whose sign-in (interaction) ends at `interactionEndsAt` (epoch seconds). The two
 * ends come from different clocks (the provider's and the database's); the margin is far larger than they differ.
 */
export function adviceFor(login: Pick<LoginTransaction, 'status' | 'expires_at'>, interactionEndsAt: number): ExpiryAdvice {
  if (login.status === 'scanned') return 'answer_on_phone';
  return interactionEndsAt - login.expires_at.getTime() / 1000 > WORTHWHILE_GAIN_SECONDS ? 'renew' : 'sign_in_ends';
}

/** Whether the page's button may replace `login`'s code while it is still open: near its end, and only if it gains time. */
export const mayRenewEarly = (login: Pick<LoginTransaction, 'status' | 'expires_at' | 'seconds_left'>, interactionEndsAt: number): boolean =>
  login.status === 'pending' && login.seconds_left <= EARLY_RENEWAL_SECONDS && adviceFor(login, interactionEndsAt) === 'renew';
