import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import { requestIdOf } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { declareRoute } from '../http/api-routes.ts';
import { readJsonBody } from '../http/json-body.ts';
import { acceptanceOverview } from './acceptance.ts';
import { publishConditions } from './publication.ts';
import type { ConditionsVersion } from './queries.ts';
import { conditionsOverviewBody, conditionsTextsBody, conditionsVersionBody, type ConditionsOverviewBody, type ConditionsVersionBody } from './schemas.ts';

const showRoute = declareRoute(adminApi, {
  method: 'get',
  path: '/conditions',
  summary: 'The conditions of use in force, who accepted which version when, and the active agencies that have not accepted the current one',
  responses: { 200: { description: 'The current version and its acceptance', body: conditionsOverviewBody } },
});

const publishRoute = declareRoute(adminApi, {
  method: 'post',
  path: '/conditions',
  summary: 'Publish a new version of the conditions of use, in force at once',
  description:
    'The new version supersedes the previous one at once (clause 10(3) of the 2024 announcement): every agency shows as not having ' +
    'accepted it until its administrator does. Published versions are never changed.',
  request: { body: conditionsTextsBody },
  responses: {
    201: { description: 'Published', body: conditionsVersionBody },
    400: 'invalid_request: textTh or textEn missing, empty, longer than 20000 characters, or in the other language',
    409: 'no_change: both texts are those of the current version; publication_conflict: another version was published at the same moment',
  },
});

const shown = (v: ConditionsVersion): ConditionsVersionBody => ({
  version: v.version,
  textTh: v.text_th,
  textEn: v.text_en,
  publishedAt: v.published_at.toISOString(),
  publishedBy: v.published_by,
});

/** The admin API's conditions of use: publishing versions and reading who accepted them. */
export function conditionsRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  router.get(showRoute.path, async (ctx) => {
    const overview = await acceptanceOverview(db);
    const body: ConditionsOverviewBody = {
      current: shown(overview.current),
      acceptances: overview.acceptances.map((a) => ({ ...a, acceptedAt: a.acceptedAt.toISOString() })),
      pending: overview.pending.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
    };
    ctx.body = body;
  });

  router.post(publishRoute.path, async (ctx) => {
    // Up to 20,000 characters in each language, a Thai one 3 bytes in UTF-8.
    const texts = publishRoute.request.body.parse(await readJsonBody(ctx, 256 * 1024));
    const published = await publishConditions(db, texts, { kind: 'admin_token' }, requestIdOf(ctx));
    ctx.status = 201;
    ctx.body = shown(published);
  });

  return router;
}
