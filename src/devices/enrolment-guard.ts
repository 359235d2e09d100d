import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { TooManyAttemptsError } from '../errors.ts';
import { countedKey } from '../http/rate-limits.ts';
import { clearFailures, recordFailure, takeAttempt, type FailurePolicy } from './enrolment-failure-queries.ts';

/*
 * Self-service enrolment proves identity with what is printed on the ID card and a face. Whoever holds a
 * photocopy of the card can try, so failures are counted per citizen ID and per client address, across every
 * server process: a citizen ID may fail twice freely, then waits a minute, then five minutes, and after the fifth
 * failure in a row its self-service enrolment is paused for a day (an office enrolment, which needs no card data,
 * still works). An address is paused for an hour after ten failures in a row, whatever IDs it tried. A success
 * ends the row of its citizen ID and its address (an office enrolment too: the citizen was there in person), and
 * a whole pause passing after the last failure's wait ended ends it too (enrolment-failure-queries.ts).
 */

const MINUTE = 60;
const citizenPolicy: FailurePolicy = {
  waitAfter: (failures) => (failures >= 5 ? 24 * 60 * MINUTE : failures === 4 ? 5 * MINUTE : failures === 3 ? MINUTE : 0),
  ceiling: 5,
};
const addressPolicy: FailurePolicy = { waitAfter: (failures) => (failures >= 10 ? 60 * MINUTE : 0), ceiling: 10 };

const citizenKey = (pid: string) => `pid:${pid}`;
// As the rate limits count it: an IPv6 address as its /64.
const addressKey = (address: string) => `address:${countedKey(address)}`;

const bangkokTime = (date: Date) =>
  date.toLocaleString('en-GB', { timeZone: 'Asia/Bangkok', dateStyle: 'medium', timeStyle: 'short' });

/** Takes one attempt for `pid` from `address`, or refuses with 429 and when to come back. */
export async function takeEnrolmentAttempt(db: Kysely<Schema>, pid: string, address: string): Promise<void> {
  const attempt = await takeAttempt(db, citizenKey(pid), addressKey(address), citizenPolicy);
  if (attempt.taken) return;
  const until = attempt.blockedUntil ?? new Date(Date.now() + MINUTE * 1000);
  throw new TooManyAttemptsError(
    'enrolment_paused',
    `Too many failed enrolments in a row for this citizen ID or from this network: self-service enrolment is paused until ${bangkokTime(until)} (Bangkok time). ` +
      'Try again then, or enrol at a district registration office with an enrolment code.',
    (until.getTime() - Date.now()) / 1000,
  );
}

/** The attempt failed (card data or face): the citizen ID's failure was counted when it was taken. */
export async function enrolmentFailed(db: Kysely<Schema>, address: string): Promise<void> {
  await recordFailure(db, addressKey(address), addressPolicy);
}

/** Any enrolment of `pid` from `address` succeeded, self-service or with an office code. */
export async function enrolmentSucceeded(db: Kysely<Schema>, pid: string, address: string): Promise<void> {
  await clearFailures(db, [citizenKey(pid), addressKey(address)]);
}
