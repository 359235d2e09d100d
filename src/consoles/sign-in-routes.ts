import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { consoleRoute } from './console-errors.ts';
import { consoleStateOf, signedInSession } from './console-state.ts';
import type { ConsoleDefinition } from './consoles.ts';
import { consoleForm, loadSession } from './guards.ts';
import { redirectWithNotice } from './notices.ts';
import { renderPage } from './pages.ts';
import { endSession, startSession } from './sessions.ts';
import { safeReturnPath, type ConsoleSignIn } from './sign-in.ts';

/** A console's sign-in, callback, sign-out and signed-out page. */
export function addSignInRoutes(router: Router, site: ConsoleDefinition, db: Kysely<Schema>, signIn: ConsoleSignIn): void {
  const base = site.basePath;

  // Someone already signed in goes straight on; to sign in as someone else, sign out first.
  router.get(`${base}/login`, consoleRoute(site), loadSession(db), async (ctx) => {
    const returnTo = safeReturnPath(site, ctx.query.next);
    if (consoleStateOf(ctx).session) {
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }
    await signIn.begin(ctx, site, returnTo);
  });

  router.get(`${base}/callback`, consoleRoute(site), async (ctx) => {
    const citizen = await signIn.finish(ctx, site);
    await startSession(ctx, db, site, citizen);
    ctx.status = 303;
    ctx.redirect(citizen.returnTo);
  });

  router.post(`${base}/logout`, ...consoleForm(site, db), async (ctx) => {
    await endSession(ctx, db, site, signedInSession(ctx));
    consoleStateOf(ctx).session = undefined;
    redirectWithNotice(ctx, site, `${base}/signed-out`);
  });

  router.get(`${base}/signed-out`, consoleRoute(site), (ctx) => {
    const heading = { th: 'ออกจากระบบแล้ว', en: 'You have signed out' };
    renderPage(ctx, 'message', {
      title: heading,
      heading,
      explanation: [{ th: `ออกจาก${site.titleTh}แล้ว ปิดหน้าต่างนี้ได้`, en: `You are signed out of the ${site.titleEn}. You may close this window.` }],
      actions: [{ href: `${base}/login`, th: 'เข้าสู่ระบบอีกครั้ง', en: 'Sign in again' }],
    });
  });
}
