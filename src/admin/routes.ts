import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { registerSandboxRelyingParty } from '../applications/sandbox-registration.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import { rotateSigningKeys } from '../oidc/keys.ts';
import type { ProviderHost } from '../oidc/provider-host.ts';
import { citizenRecord } from '../registry/citizen-schema.ts';
import { countCitizens, findCitizen, listCitizens } from '../registry/queries.ts';
import { registryFaceOf } from '../registry/face-key.ts';
import { encodeFace } from '../registry/faces.ts';
import { adminApi } from './admin-api.ts';
import { requireAdminToken } from './require-admin-token.ts';
import {
  citizenListQuery,
  citizenPage,
  createRelyingPartyBody,
  enrolmentCode,
  enrolmentCodeBody,
  faceTemplate,
  keyRotation,
  relyingPartyCredentials,
  apiKeyIssue,
  rotateSecretBody,
  systemParams,
  secretRotation,
} from './schemas.ts';
import { citizenParams } from '../registry/citizen-schema.ts';
import { issueApiKeyRecorded } from '../agencies/api-key-issue.ts';
import { rotateSecretRecorded } from '../agencies/recorded-secret-rotation.ts';
import { defaultGraceSeconds, parseGrace } from '../agencies/secret-rotation.ts';
import { issueEnrolmentCode } from '../devices/enrolment.ts';
import { readJsonBody } from '../http/json-body.ts';
import { recordAuditEvent, requestIdOf } from '../audit/record.ts';

const notJson = 'invalid_request: the body is not JSON sent as application/json, or a field is missing or wrong';

const createRelyingParty = declareRoute(adminApi, {
  method: 'post',
  path: '/relying-parties',
  summary: 'Register an agency, already approved, with one system (an OIDC client)',
  description:
    'The sandbox shortcut: an application made, submitted, prepared as asked and approved by the admin token at once, ' +
    'with its permission letter, as GET /applications/{id} shows it.',
  request: { body: createRelyingPartyBody },
  responses: {
    201: { description: 'Registered: the client credentials, the secret and API key shown this once', body: relyingPartyCredentials },
    400: notJson,
  },
});

const pageOfCitizens = declareRoute(adminApi, {
  method: 'get',
  path: '/citizens',
  summary: 'Citizens of the registry in ID order, a page at a time',
  request: { query: citizenListQuery },
  responses: {
    200: { description: 'A page of citizens', body: citizenPage },
    400: 'invalid_request: limit is not 1 to 1000, or after is not a citizen ID',
  },
});

const showCitizen = declareRoute(adminApi, {
  method: 'get',
  path: '/citizens/:pid',
  summary: "One citizen's registry record",
  request: { params: citizenParams },
  responses: {
    200: { description: 'The citizen', body: citizenRecord },
    400: 'invalid_request: not a valid citizen ID',
    404: 'not_found: no citizen with this ID in the registry',
  },
});

const showFace = declareRoute(adminApi, {
  method: 'get',
  path: '/citizens/:pid/face',
  summary: "The registry's face template of one citizen (the photo FVS compares with), for a sandbox's virtual citizen",
  description: `What stands in for the citizen's own face when a virtual device enrols by self-service: the CLI's
\`device enroll --face-match pass\` sends a camera-like sample of it. Derived from the installation's secret face
key, it cannot be worked out from the citizen ID, so card data alone do not pass the face match.`,
  request: { params: citizenParams },
  responses: {
    200: { description: "The citizen's face template", body: faceTemplate },
    400: 'invalid_request: not a valid citizen ID',
    404: 'not_found: no citizen with this ID in the registry',
  },
});

const issueCode = declareRoute(adminApi, {
  method: 'post',
  path: '/enrolment-codes',
  summary: 'Issue a one-time code (30 minutes) for enrolment at a registration office',
  request: { body: enrolmentCodeBody },
  responses: {
    201: { description: 'Issued', body: enrolmentCode },
    400: notJson,
    404: 'not_found: no citizen with this ID in the registry',
  },
});

const rotateKeys = declareRoute(adminApi, {
  method: 'post',
  path: '/signing-keys/rotate',
  summary: 'Add new RS256 and ES256 signing keys; the old ones stay published until the tokens they signed expire',
  responses: { 200: { description: 'Rotated', body: keyRotation } },
});

const rotateSecret = declareRoute(adminApi, {
  method: 'post',
  path: '/systems/:clientId/secret',
  summary: "Give a system a new client secret; the previous one keeps working for a grace window (1 day by default, at most 7)",
  request: { params: systemParams, body: rotateSecretBody },
  responses: {
    200: { description: 'Rotated: the new secret, shown this once', body: secretRotation },
    400: 'invalid_request: the grace is not a duration of 0 to 7 days, or the system is a public client (it has no secret)',
    404: 'not_found: no system with this client_id',
    409: 'cancelled: the system or its agency is cancelled, for good; secret_changed: another rotation replaced the secret meanwhile',
  },
});

const issueApiKey = declareRoute(adminApi, {
  method: 'post',
  path: '/systems/:clientId/api-key',
  summary: 'Give a system a new API key (x-imauth-apikey); the key it replaces stops at once, and a request may always send none',
  request: { params: systemParams },
  responses: {
    200: { description: 'Issued: the new API key, shown this once', body: apiKeyIssue },
    404: 'not_found: no system with this client_id',
    409: 'cancelled: the system or its agency is cancelled, for good',
  },
});

/** The admin API the CLI talks to while the server owns the database (as kcadm does with Keycloak). */
export function adminRoutes(deps: { db: Kysely<Schema>; adminToken: string; providers: ProviderHost }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });

  router.use(requireAdminToken(deps.adminToken));

  router.post(createRelyingParty.path, async (ctx) => {
    const body = createRelyingParty.request.body.parse(await readJsonBody(ctx));
    // The application, its approval and the audit record are one transaction. No secret or API key is recorded.
    const created = await registerSandboxRelyingParty(db, { kind: 'admin_token' }, body, { requestId: requestIdOf(ctx) });
    ctx.status = 201;
    ctx.body = created;
  });

  router.get(pageOfCitizens.path, async (ctx) => {
    const query = pageOfCitizens.request.query.parse(ctx.query);
    ctx.body = { total: await countCitizens(db), citizens: await listCitizens(db, query) };
  });

  router.get(showCitizen.path, async (ctx) => {
    const { pid } = showCitizen.request.params.parse(ctx.params);
    const citizen = await findCitizen(db, pid);
    if (!citizen) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
    ctx.body = citizen;
  });

  router.get(showFace.path, async (ctx) => {
    const { pid } = showFace.request.params.parse(ctx.params);
    if (!(await findCitizen(db, pid))) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
    ctx.body = { pid, template: encodeFace(await registryFaceOf(db, pid)) };
  });

  router.post(issueCode.path, async (ctx) => {
    const { pid } = issueCode.request.body.parse(await readJsonBody(ctx));
    // The code and its audit record in one transaction; the record holds the expiry, never the code.
    const issued = await db.transaction().execute(async (trx) => {
      const result = await issueEnrolmentCode(trx, pid);
      await recordAuditEvent(trx, {
        actor: { kind: 'admin_token' },
        action: 'enrolment_code.issue',
        target: { kind: 'citizen', id: pid },
        after: { expiresAt: result.expiresAt },
        requestId: requestIdOf(ctx),
      });
      return result;
    });
    ctx.status = 201;
    ctx.body = issued;
  });

  router.post(rotateSecret.path, async (ctx) => {
    const { clientId } = rotateSecret.request.params.parse(ctx.params);
    const body = rotateSecret.request.body.parse(await readJsonBody(ctx));
    const graceSeconds = body.graceSeconds ?? (body.grace === undefined ? defaultGraceSeconds : parseGrace(body.grace)!);
    ctx.body = await rotateSecretRecorded(db, { clientId, graceSeconds, actor: { kind: 'admin_token' }, requestId: requestIdOf(ctx) });
  });

  router.post(issueApiKey.path, async (ctx) => {
    const { clientId } = issueApiKey.request.params.parse(ctx.params);
    ctx.body = await issueApiKeyRecorded(db, { clientId, actor: { kind: 'admin_token' }, requestId: requestIdOf(ctx) });
  });

  router.post(rotateKeys.path, async (ctx) => {
    const result = await rotateSigningKeys(db);
    // Recorded just after: rotateSigningKeys commits its own transaction. Key ids only, never key material.
    await recordAuditEvent(db, {
      actor: { kind: 'admin_token' },
      action: 'keys.rotate',
      target: { kind: 'signing_keys', id: result.added.join(',') },
      after: result,
      requestId: requestIdOf(ctx),
    });
    await deps.providers.reload();
    ctx.body = result;
  });

  return router;
}
