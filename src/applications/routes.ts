import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import { requestIdOf } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { declareRoute } from '../http/api-routes.ts';
import { readJsonBody } from '../http/json-body.ts';
import {
  approveApplication,
  createApplication,
  prepareApplication,
  rejectApplication,
  requestChanges,
  returnApplication,
  submitApplication,
  updateApplication,
} from './actions.ts';
import { adminTokenActor } from './actors.ts';
import { applicationForm } from './form.ts';
import { listLetters, showLetter } from './letters.ts';
import { preparationInput } from './preparation.ts';
import { listApplications, showApplication } from './reads.ts';
import {
  applicationDetail,
  applicationList,
  applicationListQuery,
  applicationParams,
  approvalAnswer,
  letterList,
  letterListQuery,
  letterParams,
  permissionLetter,
  rejectBody,
  requestChangesBody,
  returnBody,
} from './schemas.ts';

const notFound = 'not_found: no application with this id';
const forbidden =
  'not_permitted: the actor may not make this transition; own_preparation: the approver prepared it; own_application: the member of staff is the administrator named on it, or administers the agency it is for (the admin token is never refused)';
const wrongStatus = 'wrong_status: the application is not in a status this transition starts from (approved and rejected are final)';

const list = declareRoute(adminApi, {
  method: 'get',
  path: '/applications',
  summary: "Agencies' applications, newest first, filtered by status, agency or words in the agency's names",
  request: { query: applicationListQuery },
  responses: {
    200: { description: 'The applications', body: applicationList },
    400: 'invalid_request: status is not a status, agency not an id, limit not 1 to 1000, or an unknown parameter',
  },
});

const show = declareRoute(adminApi, {
  method: 'get',
  path: '/applications/:id',
  summary: 'One application: its form, every transition with who made it and when, its preparation and letters',
  request: { params: applicationParams },
  responses: { 200: { description: 'The application', body: applicationDetail }, 404: notFound },
});

const create = declareRoute(adminApi, {
  method: 'post',
  path: '/applications',
  summary: "Start an application as a draft, on behalf of the agency's administrator it names (administrator.pid)",
  description: 'A draft may be incomplete; what it holds must be valid. Submit it when complete.',
  request: { body: applicationForm },
  responses: {
    201: { description: 'The draft', body: applicationDetail },
    400: 'invalid_request: a field is wrong (an e-mail off the agency domain, say), or administrator.pid or, for a change, agencyId is missing; not_agency_system: a change names a system its agency does not have',
    404: 'not_found: no citizen with administrator.pid in the registry, or no agency with agencyId',
    409: 'cancelled: the agency of a change is cancelled; system_cancelled: the change names a cancelled system',
  },
});

const update = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/form',
  summary: 'Replace the form of a draft, or of an application sent back for changes',
  request: { params: applicationParams, body: applicationForm },
  responses: {
    200: { description: 'The application', body: applicationDetail },
    400: 'invalid_request: a field is wrong, or kind differs from the application’s; not_agency_system: a change names a system its agency does not have',
    404: notFound,
    409: 'read_only: the application is submitted (or decided): its form is read-only; system_cancelled: a change names a cancelled system',
  },
});

const submit = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/submit',
  summary: 'Submit a draft (or an application sent back for changes): it must be complete and accept the conditions of use in force',
  request: { params: applicationParams },
  responses: {
    200: { description: 'Submitted', body: applicationDetail },
    400: 'invalid_request: the form is not complete (details.missing lists what it lacks); not_agency_system: a change names a system its agency does not have',
    403: forbidden,
    404: notFound,
    409: `${wrongStatus}; conditions_not_current: the form accepts a version of the conditions that is no longer in force; system_cancelled: a change names a system cancelled since`,
  },
});

const askChanges = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/request-changes',
  summary: 'Send a submitted application back to its administrator, saying what to change',
  request: { params: applicationParams, body: requestChangesBody },
  responses: { 200: { description: 'Sent back', body: applicationDetail }, 400: 'invalid_request: no message', 403: forbidden, 404: notFound, 409: wrongStatus },
});

const reject = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/reject',
  summary: 'Reject a submitted or prepared application, with reasons; rejection is final',
  request: { params: applicationParams, body: rejectBody },
  responses: { 200: { description: 'Rejected', body: applicationDetail }, 400: 'invalid_request: no reasons', 403: forbidden, 404: notFound, 409: wrongStatus },
});

const prepare = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/prepare',
  summary: 'Prepare what the approval will permit: systems, exact redirect URIs, data items among those asked, daily quotas, purpose',
  description:
    'Anything left out is as asked: every system, the redirect URIs and data items it asked for, and a new system’s estimated transactions a day as its quota. ' +
    'An existing system keeps its quota unless dailyQuota gives another.',
  request: { params: applicationParams, body: preparationInput },
  responses: {
    200: { description: 'Prepared', body: applicationDetail },
    400: 'invalid_request: the preparation permits a redirect URI or data item that was not asked for, or a system the form does not have',
    403: forbidden,
    404: notFound,
    409: `${wrongStatus}; system_cancelled: it permits more to a system cancelled since the submission`,
  },
});

const sendBack = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/return',
  summary: 'Send a prepared application back to submitted, to be prepared again',
  request: { params: applicationParams, body: returnBody },
  responses: { 200: { description: 'Returned', body: applicationDetail }, 400: 'invalid_request: no message', 403: forbidden, 404: notFound, 409: wrongStatus },
});

const approve = declareRoute(adminApi, {
  method: 'post',
  path: '/applications/:id/approve',
  summary: 'Approve a prepared application: the agency, its systems with their credentials, and the permission letter, at once',
  description: 'The new systems’ client secrets and API keys are in this answer only; they are stored hashed.',
  request: { params: applicationParams },
  responses: {
    200: { description: 'Approved', body: approvalAnswer },
    403: forbidden,
    404: notFound,
    409: `${wrongStatus}; cancelled: the agency of a change was cancelled meanwhile; system_cancelled: a system it extends was cancelled meanwhile; no_such_system: a system it extends is no longer the agency’s`,
  },
});

const letters = declareRoute(adminApi, {
  method: 'get',
  path: '/permission-letters',
  summary: 'Permission letters, newest first, of all agencies or one',
  request: { query: letterListQuery },
  responses: { 200: { description: 'The letters', body: letterList }, 400: 'invalid_request: agency is not an id, or an unknown parameter' },
});

const letter = declareRoute(adminApi, {
  method: 'get',
  path: '/permission-letters/:number',
  summary: 'One permission letter',
  request: { params: letterParams },
  responses: { 200: { description: 'The letter', body: permissionLetter }, 404: 'not_found: no letter with this number' },
});

/** Applications and permission letters in the admin API: the admin token acts as the sandbox operator, at every step. */
export function applicationRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const actor = adminTokenActor;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  router.get(list.path, async (ctx) => {
    const query = list.request.query.parse(ctx.query);
    ctx.body = { applications: await listApplications(db, actor, { status: query.status, agencyId: query.agency, text: query.q, limit: query.limit }) };
  });

  router.get(show.path, async (ctx) => {
    const { id } = show.request.params.parse(ctx.params);
    ctx.body = await showApplication(db, actor, id);
  });

  router.post(create.path, async (ctx) => {
    const form = create.request.body.parse(await readJsonBody(ctx));
    ctx.status = 201;
    ctx.body = await createApplication(db, actor, form, { requestId: requestIdOf(ctx) });
  });

  router.post(update.path, async (ctx) => {
    const { id } = update.request.params.parse(ctx.params);
    const form = update.request.body.parse(await readJsonBody(ctx));
    ctx.body = await updateApplication(db, actor, id, form, { requestId: requestIdOf(ctx) });
  });

  router.post(submit.path, async (ctx) => {
    const { id } = submit.request.params.parse(ctx.params);
    ctx.body = await submitApplication(db, actor, id, { requestId: requestIdOf(ctx) });
  });

  router.post(askChanges.path, async (ctx) => {
    const { id } = askChanges.request.params.parse(ctx.params);
    const { message } = askChanges.request.body.parse(await readJsonBody(ctx));
    ctx.body = await requestChanges(db, actor, id, message, { requestId: requestIdOf(ctx) });
  });

  router.post(reject.path, async (ctx) => {
    const { id } = reject.request.params.parse(ctx.params);
    const { reasons } = reject.request.body.parse(await readJsonBody(ctx));
    ctx.body = await rejectApplication(db, actor, id, reasons, { requestId: requestIdOf(ctx) });
  });

  router.post(prepare.path, async (ctx) => {
    const { id } = prepare.request.params.parse(ctx.params);
    const input = prepare.request.body.parse(await readJsonBody(ctx));
    ctx.body = await prepareApplication(db, actor, id, input, { requestId: requestIdOf(ctx) });
  });

  router.post(sendBack.path, async (ctx) => {
    const { id } = sendBack.request.params.parse(ctx.params);
    const { message } = sendBack.request.body.parse(await readJsonBody(ctx));
    ctx.body = await returnApplication(db, actor, id, message, { requestId: requestIdOf(ctx) });
  });

  router.post(approve.path, async (ctx) => {
    const { id } = approve.request.params.parse(ctx.params);
    ctx.body = await approveApplication(db, actor, id, { requestId: requestIdOf(ctx) });
  });

  router.get(letters.path, async (ctx) => {
    const query = letters.request.query.parse(ctx.query);
    ctx.body = { letters: await listLetters(db, actor, { agencyId: query.agency }) };
  });

  router.get(letter.path, async (ctx) => {
    const { number } = letter.request.params.parse(ctx.params);
    ctx.body = await showLetter(db, actor, number);
  });

  return router;
}
