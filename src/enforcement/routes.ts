import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import type { Schema } from '../db/schema.ts';
import { declareRoute } from '../http/api-routes.ts';
import { listReportedSignIns } from './reported-sign-in-queries.ts';
import { reportedSignInsList, reportedSignInsQuery, violationsPage, violationsQuery, type ReportedSignInsList, type ViolationsPage } from './schemas.ts';
import { listViolations } from './violation-queries.ts';

const listRoute = declareRoute(adminApi, {
  method: 'get',
  path: '/violations',
  summary: 'Policy violations: systems that asked for data items outside their approval, newest first, a page at a time',
  description:
    'Each was refused with invalid_scope at the authorization endpoint; one is recorded when the refusal reached the ' +
    'relying party (a known, active system and one of its registered redirect URIs).',
  request: { query: violationsQuery },
  responses: {
    200: { description: 'A page of violations', body: violationsPage },
    400: 'invalid_request: agency is not a UUID, since is not an ISO date and time, limit is not 1 to 1000, cursor is not a next_cursor, or an unknown parameter was sent',
  },
});

const reportsRoute = declareRoute(adminApi, {
  method: 'get',
  path: '/reported-sign-ins',
  summary: "Sign-ins citizens reported as not theirs (\"this wasn't me\"), newest first",
  description: 'Each was refused, before or after its approval, by the device that scanned it; what an approval granted ended with it.',
  request: { query: reportedSignInsQuery },
  responses: {
    200: { description: 'The reports', body: reportedSignInsList },
    400: 'invalid_request: limit is not 1 to 1000, or an unknown parameter was sent',
  },
});

/** The admin API's reading of policy violations and reported sign-ins, for staff. */
export function violationRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  router.get(listRoute.path, async (ctx) => {
    const query = listRoute.request.query.parse(ctx.query);
    const violations = await listViolations(db, {
      agencyId: query.agency,
      clientId: query.system,
      since: query.since === undefined ? undefined : new Date(query.since),
      limit: query.limit,
      cursor: query.cursor,
    });
    const body: ViolationsPage = {
      violations: violations.map((v) => ({ ...v, at: v.at.toISOString() })),
      next_cursor: violations.length === query.limit ? violations.at(-1)!.id : null,
    };
    ctx.body = body;
  });

  router.get(reportsRoute.path, async (ctx) => {
    const query = reportsRoute.request.query.parse(ctx.query);
    const reports = await listReportedSignIns(db, { clientId: query.system, limit: query.limit });
    const body: ReportedSignInsList = { reports: reports.map((r) => ({ ...r, at: r.at.toISOString() })) };
    ctx.body = body;
  });

  return router;
}
