import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { statusInForceOnReads } from '../agencies/status-in-force.ts';
import type { Schema } from '../db/schema.ts';
import { addAgencyPages } from './agency-pages.ts';
import { consoles } from './consoles.ts';
import { addSignInRoutes } from './sign-in-routes.ts';
import { ConsoleSignIn } from './sign-in.ts';
import { addStaffPages } from './staff-pages.ts';
import { addStaffWorkPages } from './staff-work-pages.ts';

/** The staff console at /staff and the agency portal at /agency: their sign-in and their pages. */
export function consoleRoutes(deps: { db: Kysely<Schema>; issuer: string }): Router {
  const router = new Router();
  router.use(statusInForceOnReads(deps.db));
  const signIn = new ConsoleSignIn(deps.issuer);
  for (const site of Object.values(consoles)) addSignInRoutes(router, site, deps.db, signIn);
  addStaffPages(router, deps.db);
  addStaffWorkPages(router, deps.db);
  addAgencyPages(router, deps.db);
  return router;
}
