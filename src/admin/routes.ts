import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { createApprovedRelyingParty } from '../agencies/relying-parties.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError, UnauthorizedError } from '../errors.ts';
import { rotateSigningKeys } from '../oidc/keys.ts';
import type { ProviderHost } from '../oidc/provider-host.ts';
import { countCitizens, findCitizen, listCitizens } from '../registry/queries.ts';
import { adminTokenMatches } from './admin-token.ts';
import { citizenListQuery, createRelyingPartyBody, enrolmentCodeBody, pidParam } from './schemas.ts';
import { issueEnrolmentCode } from '../devices/enrolment.ts';
import { readJsonBody } from '../http/json-body.ts';

/** The admin API the CLI talks to while the server owns the database (as kcadm does with Keycloak). */
export function adminRoutes(deps: { db: Kysely<Schema>; adminToken: string; providers: ProviderHost }): Router {
  const { db } = deps;
  const router = new Router({ prefix: '/admin/api' });

  router.use(async (ctx, next) => {
    const [scheme, token] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || !adminTokenMatches(deps.adminToken, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="thaid-emulator admin"');
      throw new UnauthorizedError('A valid admin token is needed: send it as "Authorization: Bearer <token>".');
    }
    await next();
  });

  router.post('/relying-parties', async (ctx) => {
    const body = createRelyingPartyBody.parse(await readJsonBody(ctx));
    ctx.status = 201;
    ctx.body = await createApprovedRelyingParty(db, body);
  });

  router.get('/citizens', async (ctx) => {
    const query = citizenListQuery.parse(ctx.query);
    ctx.body = { total: await countCitizens(db), citizens: await listCitizens(db, query) };
  });

  router.get('/citizens/:pid', async (ctx) => {
    const pid = pidParam.parse(ctx.params.pid);
    const citizen = await findCitizen(db, pid);
    if (!citizen) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
    ctx.body = citizen;
  });

  router.post('/enrolment-codes', async (ctx) => {
    const { pid } = enrolmentCodeBody.parse(await readJsonBody(ctx));
    ctx.status = 201;
    ctx.body = await issueEnrolmentCode(db, pid);
  });

  router.post('/signing-keys/rotate', async (ctx) => {
    const result = await rotateSigningKeys(db);
    await deps.providers.reload();
    ctx.body = result;
  });

  return router;
}
