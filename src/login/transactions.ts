import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
export type { LoginRequest } from './queries.ts';
import {
  expireOverdue,
  findLoginTransaction,
  insertLoginTransaction,
  latestForInteraction,
  latestOrInserted,
  transition,
  type LoginRequest,
  type NewLoginTransaction,
  type LoginTransaction,
} from './queries.ts';
import { newShortCode } from './short-codes.ts';
import { drawNumbers } from './number-matching.ts';

/*
 * The browser's side of a sign-in: opening it for an interaction, a new QR code when the last one ran out (or is
 * about to), and giving up. The citizen's side, on the device, is in device-answers.ts.
 */

/**
 * A sign-in (its short code, and every QR code drawn for it, each changing every few seconds) lives three minutes;
 * then the browser shows a new one on request.
 */
const LOGIN_TTL_SECONDS = 180;

const newTransaction = (request: LoginRequest): NewLoginTransaction => ({
  ...request,
  // 128 random bits: unguessable for a code that works once, within three minutes, for an enrolled device;
  // and short, so the QR code that carries it (with its MAC, see qr-links.ts) has fewer, larger modules
  // (version 5 for a local issuer), which phones read more easily.
  id: randomBytes(16).toString('base64url'),
  shortCode: newShortCode(),
  ...drawNumbers(),
  ttlSeconds: LOGIN_TTL_SECONDS,
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/**
 * Tries `attempt` with a fresh transaction until it returns one: a clash of short codes (rare) just draws
 * another. A transaction never outlives its interaction, so an approval always finds a sign-in the browser can
 * still finish.
 */
async function withNewTransaction(
  request: LoginRequest,
  attempt: (t: NewLoginTransaction) => Promise<LoginTransaction | undefined>,
): Promise<LoginTransaction> {
  for (let tries = 0; tries < 4; tries++) {
    try {
      const login = await attempt(newTransaction(request));
      if (login) return login;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`No login transaction could be opened for interaction ${request.interactionUid}`);
}

/** Starts a transaction for an interaction that has none open, or returns the one that is. */
export async function openLogin(db: Kysely<Schema>, request: LoginRequest): Promise<LoginTransaction> {
  return withNewTransaction(request, async (t) => (await insertLoginTransaction(db, t)) ?? latestForInteraction(db, request.interactionUid));
}

/** What the login page shows: the interaction's latest transaction, or a new one on its first visit. */
export async function loginForPage(db: Kysely<Schema>, request: LoginRequest): Promise<LoginTransaction> {
  return withNewTransaction(request, async (t) => (await latestOrInserted(db, t)) ?? latestForInteraction(db, request.interactionUid));
}

/**
 * A new QR code for an interaction whose code `last` expired or was cancelled, or is about to expire (the page
 * offers a new one with its warning): an open one is cancelled first. An answer the phone gave meanwhile stands,
 * and no new code replaces it.
 */
export async function renewLogin(db: Kysely<Schema>, request: LoginRequest, last?: LoginTransaction): Promise<LoginTransaction> {
  const ended = await cancelOpen(db, last);
  if (ended?.status === 'approved' || ended?.status === 'denied') return ended;
  // One that ran out of time may still be marked open, which would block the new one.
  await expireOverdue(db, request.interactionUid);
  return openLogin(db, request);
}

/** The interaction's latest transaction. */
export async function currentLogin(db: Kysely<Schema>, interactionUid: string): Promise<LoginTransaction | undefined> {
  return latestForInteraction(db, interactionUid);
}

/** Cancels `login` if it is still open, and returns its final state. */
async function cancelOpen(db: Kysely<Schema>, login: LoginTransaction | undefined): Promise<LoginTransaction | undefined> {
  // A scan may land between the read and the update; then the update is tried again from 'scanned'.
  for (let attempt = 0; login && (login.status === 'pending' || login.status === 'scanned') && attempt < 3; attempt++) {
    const cancelled = await transition(db, login.id, login.status, 'cancelled', 'browser');
    if (cancelled) return cancelled;
    login = await findLoginTransaction(db, { id: login.id });
  }
  return login;
}

/**
 * The browser gives up: its open transaction is cancelled, unless the phone answered first, in which case
 * that answer stands. Returns the transaction's final state for the browser to finish with.
 */
export async function cancelFromBrowser(db: Kysely<Schema>, interactionUid: string): Promise<LoginTransaction | { status: 'cancelled' }> {
  return (await cancelOpen(db, await currentLogin(db, interactionUid))) ?? { status: 'cancelled' };
}
