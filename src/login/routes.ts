import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Kysely } from 'kysely';
import { errors } from 'oidc-provider';
import { NotFoundError } from '../errors.ts';
import type { Schema } from '../db/schema.ts';
import { render } from '../http/views.ts';
import type { ProviderHost } from '../oidc/provider-host.ts';
import { shortCookieOptions } from '../oidc/provider.ts';
import type { LoginChanges } from './events.ts';
import { loginPage } from './login-page.ts';
import { appLinkPath, loginPagePath, loginPageRoute } from './paths.ts';
import { finishInteraction, type BrowserInteraction } from './interaction-results.ts';
import { cancelFromBrowser, currentLogin, loginForPage, openLogin, renewLogin, type LoginRequest } from './transactions.ts';

const SSE_RECHECK_MS = 5000;

/** What a new login transaction is for: the interaction, its client and the scopes it asked for. */
const loginRequestOf = (details: { uid: string; exp: number; params: Record<string, unknown> }): LoginRequest => ({
  interactionUid: details.uid,
  interactionExpiresAt: details.exp,
  clientId: String(details.params.client_id),
  scopes: String(details.params.scope ?? 'openid').split(' ').filter(Boolean),
});
const finished = new Set(['approved', 'denied']);
/** Statuses a stream waits no further after: an answer, or a code that needs a new page to be replaced. */
const final = new Set(['approved', 'denied', 'expired', 'cancelled']);

export interface LoginRouteDeps {
  db: Kysely<Schema>;
  providers: ProviderHost;
  changes: LoginChanges;
  issuer: string;
}

/**
 * The browser side of a sign-in: the login page, at the interaction's resume address under the authorization
 * endpoint, and what its script and forms ask. The authorization endpoint's own answer is the first page
 * (loginPageAtAuthorization, below).
 */
export function loginRoutes(deps: LoginRouteDeps): Router {
  const router = new Router();

  /** The interaction this browser is in (its cookie decides), and it must be the one the address names. */
  async function interactionOf(ctx: Context) {
    const details = await deps.providers.provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) throw new errors.SessionNotFound('interaction mismatch');
    return details;
  }

  router.get(loginPageRoute, async (ctx, next) => {
    const details = await interactionOf(ctx);
    // A HEAD learns that the page is there, and changes nothing: no transaction opened, no interaction used up.
    if (ctx.method === 'HEAD') {
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'html';
      ctx.status = 200;
      return;
    }
    // The interaction has its result already (a reload while the provider resumed it). This address is where the
    // provider resumes the authorization: it carries the browser on to the relying party.
    if (details.result) return next();
    const login = await loginForPage(deps.db, loginRequestOf(details));
    // The device has answered: its answer becomes the interaction's result, and the provider resumes from it in
    // this same request, carrying the browser on to the relying party.
    if (login && finished.has(login.status)) {
      await finishInteraction(deps.providers.provider, details, login);
      return next();
    }
    // The page holds a live sign-in code; no cache may keep it.
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await loginPage(deps.issuer, details.uid, login);
  });

  /** Sends the browser to the page's address; a sign-in from the former address (below) takes its cookie along. */
  function toPage(ctx: Context, details: BrowserInteraction, from: 'page' | 'former address') {
    const path = loginPagePath(details.uid);
    if (from === 'former address') {
      const cookie = { ...shortCookieOptions, path, expires: new Date(details.exp * 1000) };
      ctx.cookies.set(deps.providers.provider.cookieName('interaction'), details.uid, cookie);
    }
    ctx.status = 303;
    ctx.redirect(path);
  }

  const renew = (from: 'page' | 'former address') => async (ctx: Context) => {
    const details = await interactionOf(ctx);
    const login = await currentLogin(deps.db, details.uid);
    if (!login || login.status === 'expired' || login.status === 'cancelled') {
      await renewLogin(deps.db, loginRequestOf(details));
    }
    toPage(ctx, details, from);
  };

  const cancel = async (ctx: Context) => {
    const details = await interactionOf(ctx);
    const outcome = await cancelFromBrowser(deps.db, details.uid);
    if (!details.result) await finishInteraction(deps.providers.provider, details, outcome);
    ctx.status = 303;
    ctx.redirect(details.returnTo);
  };

  router.post(`${loginPageRoute}/renew`, renew('page'));
  router.post(`${loginPageRoute}/cancel`, cancel);

  // The page was at /login/<uid> before it moved to its resume address, and a sign-in started then has its
  // cookie bound to that path. Its page, and its forms, carry it to the new address, its cookie with it (its
  // script's requests fail there and reload the page). Kept while sign-ins started before an upgrade may still
  // be open: an interaction lives ten minutes.
  router.get('/login/:uid', async (ctx) => toPage(ctx, await interactionOf(ctx), 'former address'));
  router.post('/login/:uid/renew', renew('former address'));
  router.post('/login/:uid/cancel', cancel);

  router.get(`${loginPageRoute}/status`, async (ctx) => {
    const details = await interactionOf(ctx);
    const login = await currentLogin(deps.db, details.uid);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: login?.status ?? 'pending' };
  });

  /** Server-sent events: the status each time it changes, whichever server process the device reached. */
  router.get(`${loginPageRoute}/events`, async (ctx) => {
    const details = await interactionOf(ctx);
    const stream = new PassThrough();
    let last = '';
    const send = async () => {
      const login = await currentLogin(deps.db, details.uid).catch(() => undefined);
      // A recheck or a late notice may still arrive after the answer ended the stream.
      if (stream.writableEnded) return;
      const status = login?.status ?? 'pending';
      if (status !== last) {
        last = status;
        stream.write(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
      }
      if (final.has(status)) stream.end();
    };
    const unsubscribe = deps.changes.subscribe(details.uid, () => void send());
    // NOTIFY is best effort; a periodic look at the database makes sure no change goes unseen.
    const recheck = setInterval(() => void send(), SSE_RECHECK_MS);
    // Nothing can change once the sign-in itself has expired.
    const deadline = setTimeout(() => stream.end(), Math.max(0, details.exp * 1000 - Date.now()));
    const stop = () => {
      unsubscribe();
      clearInterval(recheck);
      clearTimeout(deadline);
    };
    stream.on('close', stop);
    ctx.req.on('close', () => stream.end());
    ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    ctx.status = 200;
    ctx.body = stream;
    await send();
  });

  router.get('/app/login/:id', (ctx) => {
    // Login ids are base64url; the page repeats this one inside a command line.
    if (!/^[\w-]{1,64}$/.test(ctx.params.id ?? '')) throw new NotFoundError('No sign-in has this link.');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = render('app-link', 'ThaID', {
      link: `${deps.issuer}${appLinkPath(ctx.params.id ?? '')}`,
    });
  });

  return router;
}

/**
 * When the authorization endpoint starts a sign-in, its response is the login page itself rather than a redirect
 * to it, as many identity providers answer: the browser's first request already shows the QR code. The page
 * names its own address, where the browser comes back (its reload, its script) and where the sign-in resumes.
 * Runs outside the provider, after it has answered with the redirect and set the interaction's cookies.
 */
export function loginPageAtAuthorization(deps: Pick<LoginRouteDeps, 'db' | 'issuer'>): Middleware {
  return async (ctx, next) => {
    await next();
    // A HEAD changes nothing of ours; its answer stays the redirect.
    if (ctx.status !== 303 || ctx.method !== 'GET') return;
    const started = ctx.oidc?.route === 'authorization' ? ctx.oidc.entities.Interaction : undefined;
    if (!started) return;
    // A new interaction has no transaction yet.
    const login = await openLogin(deps.db, loginRequestOf(started));
    ctx.remove('Location');
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await loginPage(deps.issuer, started.uid, login);
  };
}
