import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import type { Schema } from '../db/schema.ts';
import { declareRoute } from '../http/api-routes.ts';
import { isValidPid } from '../registry/pid.ts';
import { listAuditEvents } from './queries.ts';
import { filterYearsText, inFilterYears } from '../http/filter-years.ts';
import { pageSize, strictQuery } from '../http/query-schemas.ts';

export const auditQuery = strictQuery({
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date and time with a zone, such as 2026-01-31T09:00:00Z' })
    .refine(inFilterYears, `must be ${filterYearsText}`)
    .optional()
    .meta({ description: 'only events at or after this time' }),
  actor: z
    .string()
    .refine((v) => v === 'admin_token' || isValidPid(v), 'must be admin_token or a valid 13-digit citizen ID (check digit included)')
    .optional()
    .meta({ description: "only this actor's events: admin_token, or the citizen ID of a member of staff" }),
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an action name such as relying_party.create or keys.rotate')
    .optional()
    .meta({ description: 'only events of this action' }),
  limit: pageSize(1000, 100).meta({ description: 'events on the page' }),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, "must be the previous page's next_cursor")
    .optional()
    .meta({ description: "the previous page's next_cursor: the page after it" }),
});

export const auditEventBody = z.object({
  id: z.string().meta({ description: 'increasing with time' }),
  at: z.iso.datetime(),
  actor: z.object({
    kind: z.string().meta({ description: 'admin_token, staff (a member of staff in the console) or agency (an agency administrator in the portal)' }),
    pid: z.string().nullable().meta({ description: "the person's citizen ID; null for the admin token" }),
    role: z.string().nullable().meta({ description: 'reviewer, approver, administrator or agency_admin; null for the admin token' }),
  }),
  action: z.string().meta({ example: 'relying_party.create' }),
  target: z.object({ kind: z.string().meta({ example: 'relying_party' }), id: z.string() }),
  before: z.unknown().meta({ description: 'the state before, as JSON; null where there is none. Never a secret' }),
  after: z.unknown().meta({ description: 'the state after, as JSON; null where there is none. Never a secret' }),
  request_id: z.string().nullable().meta({ description: "the request's X-Request-Id" }),
});

export const auditPage = z.object({
  events: z.array(auditEventBody).meta({ description: 'newest first' }),
  next_cursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null on the last page' }),
});
export type AuditPage = z.infer<typeof auditPage>;

const listAudit = declareRoute(adminApi, {
  method: 'get',
  path: '/audit',
  summary: 'The audit log: actions taken through the admin API and the staff console, newest first, a page at a time',
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
