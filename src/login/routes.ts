import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { RateLimiter } from '../http/rate-limits.ts';
import { endpointPaths } from '../oidc/paths.ts';
import type { ProviderHost } from '../oidc/provider-host.ts';
import { interactionStartedBy } from '../oidc/provider-internals.ts';
import type { LoginChanges } from './events.ts';
import { loginPage } from './login-page.ts';
import { loginRequestOf, pageHandlers } from './page-handlers.ts';
import { loginPageRoute } from './paths.ts';
import { currentAppLink } from './qr-links.ts';
import { statusHandlers } from './status-handlers.ts';
import { openLogin } from './transactions.ts';

export interface LoginRouteDeps {
  db: Kysely<Schema>;
  providers: ProviderHost;
  changes: LoginChanges;
  issuer: string;
  limits: RateLimiter;
}

type Handler = (ctx: Context, next: Next) => Promise<unknown> | unknown;

/**
 * The browser side of a sign-in: the login page, at the interaction's resume address under the authorization
 * endpoint, and what its script and forms ask. The authorization endpoint's own answer is the first page
 * (loginPageAtAuthorization, below). Every address, and what answers it, is in the table.
 */
export function loginRoutes(deps: LoginRouteDeps): Router {
  const page = pageHandlers(deps);
  const status = statusHandlers(deps, page.interactionOf);
  const routes: [method: 'get' | 'post', path: string, handler: Handler][] = [
    ['get', loginPageRoute, page.show],
    ['post', `${loginPageRoute}/renew`, page.renew],
    ['post', `${loginPageRoute}/cancel`, page.cancel],
    ['get', `${loginPageRoute}/status`, status.poll],
    ['get', `${loginPageRoute}/qr`, page.qr],
    ['get', `${loginPageRoute}/events`, status.stream],
    // The page was at /login/<uid> before it moved to its resume address, and a sign-in started then has its
    // cookie bound to that path. Its page and forms carry it to the new address, its cookie with it. Kept while
    // sign-ins started before an upgrade may still be open: an interaction lives ten minutes.
    ['get', '/login/:uid', page.fromFormerAddress],
    ['post', '/login/:uid/renew', page.renewFromFormerAddress],
    ['post', '/login/:uid/cancel', page.cancel],
  ];
  const router = new Router();
  for (const [method, path, handler] of routes) router[method](path, handler);
  return router;
}

/**
 * When the authorization endpoint starts a sign-in, its response is the login page itself rather than a redirect
 * to it, as many identity providers answer: the browser's first request already shows the QR code. The page
 * names its own address, where the browser comes back (its reload, its script) and where the sign-in resumes.
 * Runs outside the provider, after it has answered with the redirect and set the interaction's cookies.
 */
export function loginPageAtAuthorization(deps: Pick<LoginRouteDeps, 'db' | 'issuer' | 'limits'>): Middleware {
  return async (ctx, next) => {
    // Every authorization request may start a sign-in: limited per address before the provider does any work.
    if (ctx.path === endpointPaths.authorization) await deps.limits.take('loginsPerAddress', ctx.ip);
    await next();
    // A HEAD changes nothing of ours; its answer stays the redirect.
    if (ctx.status !== 303 || ctx.method !== 'GET') return;
    const started = interactionStartedBy(ctx);
    if (!started) return;
    // A new interaction has no transaction yet.
    const login = await openLogin(deps.db, loginRequestOf(started, ctx));
    ctx.remove('Location');
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await loginPage(started.uid, login, await currentAppLink(deps.db, deps.issuer, login.id), started.exp);
  };
}
