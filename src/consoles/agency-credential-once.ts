import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { consoles } from './consoles.ts';
import { consoleCookieOptions, sessionCookieName } from './sessions.ts';

/*
 * A new client secret or API key is shown once, on the page the rotation's POST redirects to (post/redirect/get), and never
 * in a URL. It goes there in a cookie of the portal's path that lives five minutes and is cleared by the first
 * page that reads it. The cookie is encrypted (AES-256-GCM) with a key derived from the browser's session id,
 * which the server never stores in clear: only this browser's session can read it, and neither the database nor
 * the cookie alone reveals the credential. The page also shows it only while it is still the system's.
 */

export type IssuedCredential =
  | { kind: 'secret'; clientId: string; clientSecret: string; previousSecretExpiresAt: string }
  | { kind: 'api_key'; clientId: string; apiKey: string };

const site = consoles.agency;
const cookieName = 'thaid_agency_credential';
const lifetimeMs = 5 * 60_000;
const purpose = Buffer.from('thaid agency portal: a new client secret or API key, shown once');

function keyOf(ctx: Context): Buffer | undefined {
  const sessionId = ctx.cookies.get(sessionCookieName(site), { signed: true });
  return sessionId ? Buffer.from(hkdfSync('sha256', sessionId, purpose, 'aes-256-gcm key', 32)) : undefined;
}

export function leaveIssuedCredential(ctx: Context, issued: IssuedCredential): void {
  const key = keyOf(ctx);
  if (!key) throw new Error('A credential can be left only for a signed-in session');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(purpose);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(issued), 'utf8'), cipher.final()]);
  const value = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  ctx.cookies.set(cookieName, value, consoleCookieOptions(ctx, site, lifetimeMs));
}

/**
 * The credential left for this page, once, if it is of a system the page shows (`shownHere`): the cookie is then
 * cleared as it is read. Another page leaves it for the page it was meant for.
 */
export function takeIssuedCredential(ctx: Context, shownHere: (clientId: string) => boolean): IssuedCredential | undefined {
  if (!ctx.cookies.get(cookieName, { signed: true })) return undefined;
  const issued = readIssuedCredential(ctx);
  const here = issued !== undefined && shownHere(issued.clientId);
  // One that cannot be read is dropped; one for another agency's page stays for it.
  if (here || !issued) ctx.cookies.set(cookieName, null, { path: site.basePath, signed: true, overwrite: true });
  return here ? issued : undefined;
}

function readIssuedCredential(ctx: Context): IssuedCredential | undefined {
  const value = ctx.cookies.get(cookieName, { signed: true });
  if (!value) return undefined;
  const key = keyOf(ctx);
  if (!key) return undefined;
  try {
    const raw = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(purpose);
    decipher.setAuthTag(raw.subarray(12, 28));
    const issued = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Record<string, unknown>;
    return wellFormed(issued) ? issued : undefined;
  } catch {
    return undefined;
  }
}

function wellFormed(issued: Record<string, unknown>): issued is IssuedCredential {
  if (typeof issued['clientId'] !== 'string') return false;
  if (issued['kind'] === 'secret') return typeof issued['clientSecret'] === 'string' && typeof issued['previousSecretExpiresAt'] === 'string';
  return issued['kind'] === 'api_key' && typeof issued['apiKey'] === 'string';
}
