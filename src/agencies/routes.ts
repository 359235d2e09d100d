import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import { requestIdOf } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import { readJsonBody } from '../http/json-body.ts';
import { findAgency, findSystem, listAgencies, listSystems } from './listing-queries.ts';
import { changeStatus, withdrawScheduledChange, type StatusTarget } from './status-changes.ts';
import { statusInForceOnReads } from './status-in-force.ts';
import { systemUsageFields } from '../enforcement/schemas.ts';
import { withUsage } from '../enforcement/usage-queries.ts';

const status = z.enum(['active', 'suspended', 'cancelled']);

/** The furthest ahead a change may be scheduled with notice before. */
const maxNoticeAheadMs = 366 * 24 * 60 * 60 * 1000;

export const statusChangeBody = z
  .object({
    status: z.enum(['suspended', 'cancelled', 'active'], { error: 'must be suspended, cancelled, or active (to reinstate)' }),
    reason: z
      .string({ error: 'is required: say why; it is written in the notice to the agency' })
      .trim()
      .min(1, 'must not be empty: say why; it is written in the notice to the agency')
      .max(2000, 'must be at most 2000 characters'),
    notice: z
      .enum(['before', 'after'], { error: 'must be before (the notice now, the change at effectiveAt) or after (the change now, with its notice)' })
      .optional()
      .meta({ description: 'for a suspension or cancellation: before (the notice now, the change at effectiveAt) or after (the change at once, its notice with it)' }),
    effectiveAt: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date and time with a zone, such as 2026-01-31T09:00:00Z' })
      // ISO 8601 writes offsets up to ±23:59, PostgreSQL's timestamptz reads them only up to ±15:59: the instant is
      // kept, written in UTC.
      .transform((text) => new Date(text).toISOString())
      .optional()
      .meta({ description: 'with notice before: when the change takes effect, in the future and within a year' }),
  })
  .superRefine((body, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (body.status === 'active') {
      if (body.notice !== undefined || body.effectiveAt !== undefined) {
        issue('notice', 'a reinstatement takes effect at once, its notice with it: leave out notice and effectiveAt');
      }
      return;
    }
    if (body.notice === undefined) issue('notice', `is required to ${body.status === 'suspended' ? 'suspend' : 'cancel'}: before (with effectiveAt, a future time) or after (at once)`);
    else if (body.notice === 'before' && body.effectiveAt === undefined) issue('effectiveAt', 'is required with notice before: the future time the change takes effect');
    else if (body.notice === 'before' && Date.parse(body.effectiveAt!) <= Date.now()) {
      issue('effectiveAt', 'must be in the future with notice before; for a change at once use notice after');
    } else if (body.notice === 'before' && Date.parse(body.effectiveAt!) > Date.now() + maxNoticeAheadMs) {
      // A scheduled change blocks any other until it takes effect or is withdrawn: a wrong year is most likely a typo.
      issue('effectiveAt', 'must be within a year from now: check the year');
    } else if (body.notice === 'after' && body.effectiveAt !== undefined) issue('effectiveAt', 'is only for notice before: with notice after the change is made at once');
  });

const notice = z.object({
  id: z.string(),
  agencyId: z.string(),
  clientId: z.string().nullable().meta({ description: "the system's client_id; null for a notice to the whole agency" }),
  kind: z.enum(['suspension', 'cancellation', 'reinstatement']),
  reason: z.string(),
  notice: z.enum(['before', 'after']),
  effectiveAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime(),
  appliedAt: z.iso.datetime().nullable().meta({ description: 'null while the change is scheduled (notice before, not yet applied)' }),
  withdrawnAt: z.iso.datetime().nullable().meta({ description: 'when a scheduled change was withdrawn before it took effect; null otherwise' }),
  withdrawalReason: z.string().nullable().meta({ description: 'why it was withdrawn, as the agency reads it' }),
});

const systemSummary = z.object({
  clientId: z.string(),
  agencyId: z.string(),
  agencyNameEn: z.string(),
  name: z.string(),
  status,
  agencyStatus: status,
  active: z.boolean().meta({ description: 'whether it may act right now: it and its agency active, and no suspension or cancellation due' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const agencySummary = z.object({
  id: z.string(),
  nameTh: z.string(),
  nameEn: z.string(),
  status,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const statusChangeResult = z.object({
  target: z.object({ kind: z.enum(['agency', 'system']), id: z.string() }),
  previousStatus: status,
  status: status.meta({ description: 'the status now: unchanged while the change is scheduled' }),
  scheduled: z.boolean().meta({ description: 'true with notice before: the change takes effect at the notice’s effectiveAt' }),
  notice,
});

const agencyParams = z.object({ id: z.string().meta({ description: "the agency's id" }) });
const systemParams = z.object({ clientId: z.string().meta({ description: "the system's client_id" }) });

const statusErrors = {
  400: 'invalid_request: status, reason, notice or effectiveAt missing or wrong (notice before needs a future effectiveAt; a reinstatement takes neither)',
  409: 'cancelled: cancellation is final; no_change: already in that status; change_scheduled: a change is already scheduled; first_party: DOPA and its staff console and agency portal cannot be suspended or cancelled',
};

const agencyList = declareRoute(adminApi, {
  method: 'get',
  path: '/agencies',
  summary: 'Every agency, with its status and how many systems it has',
  responses: { 200: { description: 'The agencies', body: z.object({ agencies: z.array(agencySummary.extend({ systems: z.number().int() })) }) } },
});

const agencyShow = declareRoute(adminApi, {
  method: 'get',
  path: '/agencies/:id',
  summary: 'One agency with its systems and the notices sent to it, newest first',
  request: { params: agencyParams },
  responses: {
    200: { description: 'The agency', body: agencySummary.extend({ systems: z.array(systemSummary), notices: z.array(notice) }) },
    404: 'not_found: no agency with this id',
  },
});

const agencyStatus = declareRoute(adminApi, {
  method: 'post',
  path: '/agencies/:id/status',
  summary: 'Suspend, cancel (final) or reinstate an agency and so all its systems, with a written notice to it',
  description:
    'With notice after the change is made at once; with notice before the notice is delivered now and the change takes effect at effectiveAt. ' +
    'A system that stops being active has its sign-ins in progress cancelled; reinstatement does not revive tokens issued before.',
  request: { params: agencyParams, body: statusChangeBody },
  responses: { 200: { description: 'Changed, or scheduled', body: statusChangeResult }, ...statusErrors, 404: 'not_found: no agency with this id' },
});

const systemList = declareRoute(adminApi, {
  method: 'get',
  path: '/systems',
  summary: 'Every system (OIDC client), with its status and its agency’s',
  responses: { 200: { description: 'The systems', body: z.object({ systems: z.array(systemSummary.extend(systemUsageFields)) }) } },
});

const systemShow = declareRoute(adminApi, {
  method: 'get',
  path: '/systems/:clientId',
  summary: 'One system, with the notices sent about it or its whole agency, newest first',
  request: { params: systemParams },
  responses: {
    200: {
      description: 'The system',
      body: systemSummary.extend({ redirectUris: z.array(z.string()), scopes: z.array(z.string()), ...systemUsageFields, notices: z.array(notice) }),
    },
    404: 'not_found: no system with this client_id',
  },
});

const systemStatus = declareRoute(adminApi, {
  method: 'post',
  path: '/systems/:clientId/status',
  summary: 'Suspend, cancel (final) or reinstate one system, with a written notice to its agency',
  description: agencyStatus.description,
  request: { params: systemParams, body: statusChangeBody },
  responses: { 200: { description: 'Changed, or scheduled', body: statusChangeResult }, ...statusErrors, 404: 'not_found: no system with this client_id' },
});

const withdrawalBody = z.object({
  reason: z
    .string({ error: 'is required: say why; the agency reads it with the notice' })
    .trim()
    .min(1, 'must not be empty: say why; the agency reads it with the notice')
    .max(2000, 'must be at most 2000 characters'),
});

const noticeWithdrawal = declareRoute(adminApi, {
  method: 'post',
  path: '/notices/:id/withdraw',
  summary: 'Withdraw a change scheduled with notice before, until it takes effect; the agency reads why with the notice',
  request: { params: z.object({ id: z.string().meta({ description: "the notice's id" }) }), body: withdrawalBody },
  responses: {
    200: { description: 'Withdrawn: the notice, settled without effect', body: notice },
    400: 'invalid_request: no reason',
    404: 'not_found: no notice with this id',
    409: 'not_scheduled: the notice came with its change, has taken effect, or was withdrawn already',
  },
});

/** Agencies and systems in the admin API: listing them and changing their status. */
export function agencyAdminRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));
  router.use(statusInForceOnReads(db));

  router.get(agencyList.path, async (ctx) => {
    ctx.body = { agencies: await listAgencies(db) };
  });

  router.get(agencyShow.path, async (ctx) => {
    const { id } = agencyShow.request.params.parse(ctx.params);
    const agency = await findAgency(db, id);
    if (!agency) throw new NotFoundError(`No agency with id ${id}.`);
    ctx.body = agency;
  });

  router.get(systemList.path, async (ctx) => {
    ctx.body = { systems: await withUsage(db, await listSystems(db)) };
  });

  router.get(systemShow.path, async (ctx) => {
    const { clientId } = systemShow.request.params.parse(ctx.params);
    const system = await findSystem(db, clientId);
    if (!system) throw new NotFoundError(`No system with client_id ${clientId}.`);
    ctx.body = (await withUsage(db, [system]))[0];
  });

  const changeRoute = (target: (params: Record<string, string>) => StatusTarget, route: typeof agencyStatus | typeof systemStatus) =>
    router.post(route.path, async (ctx) => {
      const params = route.request.params.parse(ctx.params) as Record<string, string>;
      const body = route.request.body.parse(await readJsonBody(ctx));
      ctx.body = await changeStatus(db, target(params), body, requestIdOf(ctx));
    });
  changeRoute((p) => ({ kind: 'agency', id: p.id! }), agencyStatus);
  changeRoute((p) => ({ kind: 'system', id: p.clientId! }), systemStatus);

  router.post(noticeWithdrawal.path, async (ctx) => {
    const { id } = noticeWithdrawal.request.params.parse(ctx.params);
    const { reason } = noticeWithdrawal.request.body.parse(await readJsonBody(ctx));
    ctx.body = await withdrawScheduledChange(db, id, reason, requestIdOf(ctx));
  });

  return router;
}
