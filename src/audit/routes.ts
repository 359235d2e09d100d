import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import type { Schema } from '../db/schema.ts';
import { declareRoute } from '../http/api-routes.ts';
import { listAuditEvents } from './queries.ts';
import { auditPage, auditQuery, type AuditPage } from './schemas.ts';

const listAudit = declareRoute(adminApi, {
  method: 'get',
  path: '/audit',
  summary: 'The audit log: actions taken through the admin API, the staff console and the agency portal, newest first, a page at a time',
  description: 'Read-only calls are not recorded. No event holds a client secret, API key, enrolment code or token.',
  request: { query: auditQuery },
  responses: {
    200: { description: 'A page of events', body: auditPage },
    400: 'invalid_request: since is not an ISO date and time, actor is not admin_token or a citizen ID, limit is not 1 to 1000, or cursor is not a next_cursor',
  },
});

/** The admin API's audit log. */
export function auditRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  router.get(listAudit.path, async (ctx) => {
    const query = listAudit.request.query.parse(ctx.query);
    const events = await listAuditEvents(db, { ...query, since: query.since === undefined ? undefined : new Date(query.since) });
    const body: AuditPage = {
      events: events.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        before: e.before,
        after: e.after,
        request_id: e.requestId,
      })),
      next_cursor: events.length === query.limit ? events.at(-1)!.id : null,
    };
    ctx.body = body;
  });

  return router;
}
