import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { grantIdOfAccessToken } from '../oidc/grant-queries.ts';
import type { ConsoleDefinition } from './consoles.ts';
import { ConsolePageError } from './page-errors.ts';
import { deleteFinishedConsoleSessions, endConsoleSession, insertConsoleSession, useLiveConsoleSession, type ConsoleSession } from './session-queries.ts';

/**
 * How long a session lasts. Every sign-in takes the phone and the PIN, so sessions are not short; but the staff
 * console grants roles and will approve agencies, so an unattended browser must not stay signed in. The limits
 * are those NIST SP 800-63B sets for reauthentication at its AAL2: after 30 minutes without a request, and
 * 12 hours after the sign-in whatever happens (a working day, with room).
 */
export const sessionLimits = { idleSeconds: 30 * 60, absoluteSeconds: 12 * 60 * 60 } as const;

export const sessionCookieName = (site: ConsoleDefinition) => `thaid_${site.name}_session`;

/** Signed (Koa signs with the cookie keys), kept from scripts, sent only to the console's own pages. */
export const consoleCookieOptions = (ctx: Context, site: ConsoleDefinition, maxAgeMs: number) =>
  ({ path: site.basePath, httpOnly: true, sameSite: 'lax', signed: true, secure: ctx.secure, maxAge: maxAgeMs, overwrite: true }) as const;

const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');

/** The session this request's cookie names, if it is live; a cookie whose signature fails names none. */
export async function currentSession(ctx: Context, db: Kysely<Schema>, site: ConsoleDefinition): Promise<ConsoleSession | undefined> {
  const id = ctx.cookies.get(sessionCookieName(site), { signed: true });
  if (!id) return undefined;
  return useLiveConsoleSession(db, { idHash: hashOf(id), console: site.name, idleSeconds: sessionLimits.idleSeconds });
}

/**
 * Starts a session for the citizen who just signed in, ending the one this browser had (no session fixation).
 * The session follows the grant the sign-in was approved under: when it ends (the phone is replaced, the sign-in
 * reported as not the citizen's, consent withdrawn), so does the session.
 */
export async function startSession(ctx: Context, db: Kysely<Schema>, site: ConsoleDefinition, who: { pid: string; name: string; accessToken: string }): Promise<void> {
  const grantId = await grantIdOfAccessToken(db, who.accessToken);
  if (grantId === undefined) {
    throw new ConsolePageError(400, { th: 'เข้าสู่ระบบไม่สำเร็จ', en: 'The sign-in could not be verified' }, [
      { th: 'การอนุญาตของการเข้าสู่ระบบนี้สิ้นสุดแล้ว คุณยังไม่ได้เข้าสู่ระบบ', en: 'What the phone approved for this sign-in has ended already. You are not signed in.' },
    ], [{ href: `${site.basePath}/login`, th: 'เข้าสู่ระบบอีกครั้ง', en: 'Sign in again' }]);
  }
  const previous = ctx.cookies.get(sessionCookieName(site), { signed: true });
  if (previous) await endConsoleSession(db, hashOf(previous));
  const id = randomBytes(32).toString('base64url');
  await insertConsoleSession(db, {
    idHash: hashOf(id),
    console: site.name,
    pid: who.pid,
    name: who.name,
    csrfToken: randomBytes(32).toString('base64url'),
    expiresAt: new Date(Date.now() + sessionLimits.absoluteSeconds * 1000),
    grantId,
  });
  ctx.cookies.set(sessionCookieName(site), id, consoleCookieOptions(ctx, site, sessionLimits.absoluteSeconds * 1000));
}

/** Ends the session and removes its cookie. */
export async function endSession(ctx: Context, db: Kysely<Schema>, site: ConsoleDefinition, session: ConsoleSession): Promise<void> {
  await endConsoleSession(db, session.idHash);
  ctx.cookies.set(sessionCookieName(site), null, { path: site.basePath, signed: true, overwrite: true });
}

/**
 * The server's maintenance: forgets sessions a day after they ended, expired or went idle (one whose grant ended is
 * refused from then on, so it goes idle).
 */
export const deleteFinishedSessions = (db: Kysely<Schema>): Promise<number> => deleteFinishedConsoleSessions(db, sessionLimits.idleSeconds);
