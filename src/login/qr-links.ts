import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { installationKey } from '../instance/installation-keys.ts';
import { GoneError, InvalidRequestError } from '../errors.ts';
import { appLinkPath } from './paths.ts';

/*
 * The QR code changes every few seconds: its app link carries a MAC over the sign-in and the time window it was
 * drawn in, under a key of the installation. A scan takes the link of the current window, the one before or the one
 * after (server clocks a little apart), so a screenshot or a link relayed to someone else stops working within
 * two windows, while a phone reading the screen gets a fresh one. The window itself is not in the link, which
 * keeps the QR code smaller: the server tries the windows it would take, then the older ones of a sign-in's life
 * to tell a stale link from a made-up one. The short code typed by hand carries no time; it needs the number match.
 */
export const QR_WINDOW_SECONDS = 10;

const windowAt = (ms: number) => Math.floor(ms / 1000 / QR_WINDOW_SECONDS);

// 96 bits: a guess must also name a live sign-in, and a window lasts seconds.
const macOf = (key: Buffer, loginId: string, window: number) => createHmac('sha256', key).update(`${loginId}.${window}`).digest().subarray(0, 12);

/** The app link the QR code shows now for the sign-in `loginId`. */
export async function currentAppLink(db: Kysely<Schema>, issuer: string, loginId: string, now = Date.now()): Promise<string> {
  const mac = macOf(await installationKey(db, 'qr_key'), loginId, windowAt(now)).toString('base64url');
  return `${issuer}${appLinkPath(loginId)}?m=${mac}`;
}

/** Seconds until the QR code changes. */
export const secondsToNextQr = (now = Date.now()) => QR_WINDOW_SECONDS - ((now / 1000) % QR_WINDOW_SECONDS);

type QrFreshness = 'fresh' | 'stale' | 'forged';

/**
 * How far back a link is told to be stale rather than made up: the windows of the interaction's 10 minutes, well
 * past the 3 minutes (LOGIN_TTL_SECONDS) a sign-in's links can be drawn in.
 */
const WINDOWS_OF_A_SIGN_IN = Math.ceil(600 / QR_WINDOW_SECONDS);

/** Whether an app link read for `loginId` is one this installation drew for it in the current window or next to it. */
async function qrFreshness(db: Kysely<Schema>, loginId: string, link: URL, now = Date.now()): Promise<QrFreshness> {
  const mac = Buffer.from(link.searchParams.get('m') ?? '', 'base64url');
  if (mac.length !== 12) return 'forged';
  const key = await installationKey(db, 'qr_key');
  const drawnIn = (window: number) => timingSafeEqual(mac, macOf(key, loginId, window));
  const current = windowAt(now);
  // The window before, for a phone that read the code just before it changed; the one after, for the clocks of
  // several server processes a little apart.
  if (drawnIn(current) || drawnIn(current - 1) || drawnIn(current + 1)) return 'fresh';
  for (let window = current - 2; window > current - WINDOWS_OF_A_SIGN_IN; window--) if (drawnIn(window)) return 'stale';
  return 'forged';
}

/** Refuses an app link that is not this sign-in's current QR code (see qrFreshness). */
export async function requireFreshQr(db: Kysely<Schema>, loginId: string, link: URL): Promise<void> {
  const freshness = await qrFreshness(db, loginId, link);
  if (freshness === 'stale') {
    throw new GoneError('qr_code_expired', 'This QR code has changed since it was read: the code on the screen changes every few seconds. Scan it again.');
  }
  if (freshness === 'forged') throw new InvalidRequestError('This link is not a ThaID QR code. Scan the code on the screen again.');
}
