import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import { requestIdOf } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { declareRoute } from '../http/api-routes.ts';
import { readJsonBody } from '../http/json-body.ts';
import { addStaffRole, removeStaffRole } from './changes.ts';
import { listActiveStaff, type StaffGrant } from './queries.ts';
import { staffGrant, staffGrantBody, staffGrantParams, staffList, staffListQuery, type StaffGrantBody, type StaffListBody } from './schemas.ts';

const listStaff = declareRoute(adminApi, {
  method: 'get',
  path: '/staff',
  summary: 'DOPA staff: the active grants of staff roles, of all roles or one',
  request: { query: staffListQuery },
  responses: {
    200: { description: 'The active grants', body: staffList },
    400: 'invalid_request: role is not reviewer, approver or administrator, or an unknown parameter was sent',
  },
});

const addStaff = declareRoute(adminApi, {
  method: 'post',
  path: '/staff',
  summary: 'Grant a citizen a staff role (a person may hold several)',
  request: { body: staffGrantBody },
  responses: {
    201: { description: 'Granted', body: staffGrant },
    400: 'invalid_request: the body is not JSON, the citizen ID is not valid, or role is not reviewer, approver or administrator',
    404: 'not_found: no citizen with this ID in the registry',
    409: 'already_granted: the citizen already holds this role',
  },
});

const removeStaff = declareRoute(adminApi, {
  method: 'post',
  path: '/staff/:pid/roles/:role/revoke',
  summary: "Remove a citizen's staff role; the grant is kept, marked revoked",
  request: { params: staffGrantParams },
  responses: {
    200: { description: 'Removed: the revoked grant', body: staffGrant },
    400: 'invalid_request: the citizen ID is not valid, or role is not reviewer, approver or administrator',
    404: 'not_found: the citizen does not hold this role',
    409: 'last_administrator: the citizen is the only administrator; grant the role to someone else first',
  },
});

const shown = (g: StaffGrant): StaffGrantBody => ({
  pid: g.pid,
  role: g.role,
  grantedAt: g.grantedAt.toISOString(),
  grantedBy: g.grantedBy,
  revokedAt: g.revokedAt?.toISOString() ?? null,
  revokedBy: g.revokedBy,
});

/** The admin API's staff roles: who the DOPA staff are. */
export function staffRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  router.get(listStaff.path, async (ctx) => {
    const query = listStaff.request.query.parse(ctx.query);
    const body: StaffListBody = { staff: (await listActiveStaff(db, query)).map(shown) };
    ctx.body = body;
  });

  router.post(addStaff.path, async (ctx) => {
    const { pid, role } = addStaff.request.body.parse(await readJsonBody(ctx));
    const granted = await addStaffRole(db, { pid, role, actor: { kind: 'admin_token' }, requestId: requestIdOf(ctx) });
    ctx.status = 201;
    ctx.body = shown(granted);
  });

  router.post(removeStaff.path, async (ctx) => {
    const { pid, role } = removeStaff.request.params.parse(ctx.params);
    const revoked = await removeStaffRole(db, { pid, role, actor: { kind: 'admin_token' }, requestId: requestIdOf(ctx) });
    ctx.body = shown(revoked);
  });

  return router;
}
