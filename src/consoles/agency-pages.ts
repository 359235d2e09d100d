import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { signedInSession } from './console-state.ts';
import { consoles } from './consoles.ts';
import { shownPid } from './formatting.ts';
import { consolePage } from './guards.ts';
import { renderPage } from './pages.ts';

const site = consoles.agency;

/**
 * The agency portal's pages. Any signed-in citizen may enter: a citizen starts an application here and becomes
 * its administrator; what each may do for an agency is checked by the pages that act for one.
 */
export function addAgencyPages(router: Router, db: Kysely<Schema>): void {
  router.get('/agency', ...consolePage(site, db), (ctx) => {
    const session = signedInSession(ctx);
    renderPage(ctx, 'agency-home', { title: { th: 'หน้าหลัก', en: 'Home' }, pid: shownPid(session.pid) });
  });
}
