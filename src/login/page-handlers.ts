import type { Context, Next } from 'koa';
import { errors } from 'oidc-provider';
import { shortCookieOptions } from '../oidc/provider.ts';
import { browserContextOf } from './browser-context.ts';
import { finishInteraction, type BrowserInteraction } from './interaction-results.ts';
import { ConflictError } from '../errors.ts';
import { mayRenewEarly } from './expiry-warning.ts';
import { loginPage, qrSvg } from './login-page.ts';
import { currentAppLink, secondsToNextQr } from './qr-links.ts';
import { loginPagePath } from './paths.ts';
import { reportReasonOf } from './report-step.ts';
import { formatShortCode } from './short-codes.ts';
import type { LoginRouteDeps } from './routes.ts';
import { cancelFromBrowser, currentLogin, loginForPage, renewLogin, type LoginRequest } from './transactions.ts';

/**
 * What a new login transaction is for: the interaction, its client and the scopes it asked for; and the
 * browser asking (`ctx`), coarsely, for the citizen's phone to show.
 */
export const loginRequestOf = (details: { uid: string; exp: number; params: Record<string, unknown> }, ctx: Context): LoginRequest => ({
  interactionUid: details.uid,
  interactionExpiresAt: details.exp,
  clientId: String(details.params.client_id),
  scopes: String(details.params.scope ?? 'openid').split(' ').filter(Boolean),
  browser: browserContextOf(ctx.get('user-agent'), ctx.ip),
});

const answered = new Set(['approved', 'denied']);

/**
 * A sign-in whose system (or agency) was suspended or cancelled meanwhile ends on an error page: the browser is
 * not sent on to that system, and no new QR code is offered for it. The login's system fields come from
 * active_systems, so they are empty exactly then.
 */
function refuseStoppedSystem(login: { system_name: string | null } | undefined) {
  if (login && login.system_name === null) {
    throw new errors.InvalidClient('the system is suspended or cancelled; it cannot sign anyone in until DOPA reinstates it');
  }
}

/** The login page and its forms: what the browser sees and sends while a sign-in waits for the citizen. */
export function pageHandlers(deps: LoginRouteDeps) {
  /** The interaction this browser is in (its cookie decides), and it must be the one the address names. */
  async function interactionOf(ctx: Context): Promise<BrowserInteraction> {
    const details = await deps.providers.provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) throw new errors.SessionNotFound('interaction mismatch');
    return details;
  }

  /** Sends the browser to the page's address; a sign-in from the former address takes its cookie along. */
  function toPage(ctx: Context, details: BrowserInteraction, from: 'page' | 'former address') {
    const path = loginPagePath(details.uid);
    if (from === 'former address') {
      const cookie = { ...shortCookieOptions, path, expires: new Date(details.exp * 1000) };
      ctx.cookies.set(deps.providers.provider.cookieName('interaction'), details.uid, cookie);
    }
    ctx.status = 303;
    ctx.redirect(path);
  }

  /** The page, or, once the device has answered, the resume that carries the browser on to the relying party. */
  async function show(ctx: Context, next: Next) {
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
    const login = await loginForPage(deps.db, loginRequestOf(details, ctx));
    refuseStoppedSystem(login);
    // The device has answered: its answer becomes the interaction's result, and the provider resumes from it in
    // this same request.
    if (answered.has(login.status)) {
      const reported = login.status === 'denied' ? await reportReasonOf(deps.db, login.id) : undefined;
      await finishInteraction(deps.providers.provider, details, login, reported);
      return next();
    }
    // The page holds a live sign-in code; no cache may keep it.
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await loginPage(details.uid, login, await currentAppLink(deps.db, deps.issuer, login.id), details.exp);
  }

  /** The QR code of this moment, which the page's script draws anew each time it changes. */
  async function qr(ctx: Context) {
    const details = await interactionOf(ctx);
    const login = await currentLogin(deps.db, details.uid);
    if (login?.status !== 'pending') throw new ConflictError('login_not_pending', 'This sign-in shows no QR code now: it was scanned, answered or ended.');
    const appLink = await currentAppLink(deps.db, deps.issuer, login.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { appLink, svg: await qrSvg(appLink), changesInSeconds: Math.ceil(secondsToNextQr()), code: formatShortCode(login.short_code) };
  }

  /**
   * A new QR code, when the last one expired or was cancelled, or is about to expire and a new one would last
   * longer (the page warns of it). A code being answered on the phone is not replaced.
   */
  const renew = (from: 'page' | 'former address') => async (ctx: Context) => {
    const details = await interactionOf(ctx);
    const login = await currentLogin(deps.db, details.uid);
    refuseStoppedSystem(login);
    if (!login || login.status === 'expired' || login.status === 'cancelled' || mayRenewEarly(login, details.exp)) {
      await deps.limits.take('loginsPerAddress', ctx.ip);
      await renewLogin(deps.db, loginRequestOf(details, ctx), login);
    }
    toPage(ctx, details, from);
  };

  /** The browser gives up; an answer the device gave first stands. */
  async function cancel(ctx: Context) {
    const details = await interactionOf(ctx);
    const outcome = await cancelFromBrowser(deps.db, details.uid);
    if (!details.result) await finishInteraction(deps.providers.provider, details, outcome);
    ctx.status = 303;
    ctx.redirect(details.returnTo);
  }

  return {
    show,
    qr,
    renew: renew('page'),
    cancel,
    fromFormerAddress: async (ctx: Context) => toPage(ctx, await interactionOf(ctx), 'former address'),
    renewFromFormerAddress: renew('former address'),
    interactionOf,
  };
}
