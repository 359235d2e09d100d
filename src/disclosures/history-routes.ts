import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import { citizenParams } from '../registry/citizen-schema.ts';
import type { Schema } from '../db/schema.ts';
import { deviceApi } from '../devices/device-api.ts';
import { signedRoute } from '../devices/signed-route.ts';
import { InvalidRequestError, NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import { findCitizen } from '../registry/queries.ts';
import { beforeOf, citizenHistory, cursorOf, historyCsv, historyFileName, periodEnd, periodStart, wholeHistory } from './history.ts';
import { adminHistoryQuery, historyExport, historyExportQuery, historyPage, historyQuery } from './history-schemas.ts';

const deviceHistory = declareRoute(deviceApi, {
  method: 'get',
  path: '/history',
  summary: "The citizen's history, newest first: every release of their data and every answer they gave, a page at a time",
  description: `Every release of the citizen's data to an agency's system (\`kind: disclosure\`: the token response and each
userinfo answer) and every answer the citizen gave a request on their device (\`kind: event\`), from the disclosure
ledger. Entries name the data items, never their values. The history belongs to the citizen, not to this phone: a
newly enrolled phone sees what came before it. Filters combine; keep them the same when following \`nextCursor\`.`,
  request: { query: historyQuery },
  responses: {
    200: { description: 'A page of the history', body: historyPage },
    400: 'invalid_request: a query parameter is malformed or unknown (the description says which and what it takes)',
  },
});

const deviceHistoryExport = declareRoute(deviceApi, {
  method: 'get',
  path: '/history/export',
  summary: "The citizen's whole history as a download (JSON or CSV)",
  description: `An attachment (\`Content-Disposition: attachment\`). \`format=json\` (the default) answers with the body below;
\`format=csv\` with \`text/csv; charset=utf-8\`: a byte order mark (so a spreadsheet reads the Thai as UTF-8), a header
row (leaf_index, at, kind, event, endpoint, agency_id, agency_th, agency_en, client_id, system, purpose, items,
items_th, items_en), CRLF line ends, RFC 4180 quoting, and a leading apostrophe on any cell that starts with = + - @
(so a spreadsheet runs no formula from it).`,
  request: { query: historyExportQuery },
  responses: {
    200: { description: 'The whole history, newest first (JSON shown; CSV with format=csv)', body: historyExport },
    400: 'invalid_request: format is not json or csv, or another query parameter was sent',
  },
});

const adminHistory = declareRoute(adminApi, {
  method: 'get',
  path: '/citizens/:pid/history',
  summary: "A citizen's history, newest first, a page at a time (what `thaid-emulator history PID` shows)",
  request: { params: citizenParams, query: adminHistoryQuery },
  responses: {
    200: { description: 'A page of the history', body: historyPage },
    400: 'invalid_request: not a valid citizen ID, limit is not 1 to 1000, or cursor is not a nextCursor',
    404: 'not_found: no citizen with this ID in the registry',
  },
});

/** A citizen's history is theirs alone: no cache keeps it. */
const private_ = (ctx: Context) => ctx.set('Cache-Control', 'no-store');

/** The citizen's own routes, on the device API. */
function addDeviceRoutes(router: Router, db: Kysely<Schema>): Router {
  router.get(
    deviceApi.info.prefix + deviceHistory.path,
    signedRoute(db, async (ctx, device) => {
      const query = deviceHistory.request.query.parse(ctx.query);
      const from = query.from === undefined ? undefined : periodStart(query.from);
      const to = query.to === undefined ? undefined : periodEnd(query.to);
      if (from && to && from >= to) throw new InvalidRequestError('from: must be before to (a date counts whole: from=to=2025-06-01 is that day)');
      const page = await citizenHistory(db, device.pid, {
        limit: query.limit,
        before: beforeOf(query.cursor),
        agencyId: query.agency,
        item: query.item,
        from,
        to,
      });
      private_(ctx);
      return { entries: page.entries, nextCursor: cursorOf(page.nextBefore) };
    }),
  );

  router.get(
    deviceApi.info.prefix + deviceHistoryExport.path,
    signedRoute(db, async (ctx, device) => {
      const { format } = deviceHistoryExport.request.query.parse(ctx.query);
      const now = new Date();
      const exportedAt = now.toISOString();
      const entries = await wholeHistory(db, device.pid);
      private_(ctx);
      ctx.attachment(historyFileName(format, now));
      if (format === 'csv') {
        ctx.type = 'text/csv; charset=utf-8; header=present';
        return historyCsv(entries);
      }
      ctx.type = 'application/json; charset=utf-8';
      return `${JSON.stringify({ pid: device.pid, exportedAt, entries }, null, 2)}\n`;
    }),
  );
  return router;
}

/** The admin API's read of any citizen's history, for the CLI. */
function addAdminRoutes(router: Router, db: Kysely<Schema>, adminToken: string): Router {
  router.get(adminApi.info.prefix + adminHistory.path, requireAdminToken(adminToken), async (ctx) => {
    const { pid } = adminHistory.request.params.parse(ctx.params);
    const query = adminHistory.request.query.parse(ctx.query);
    if (!(await findCitizen(db, pid))) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
    const page = await citizenHistory(db, pid, { limit: query.limit, before: beforeOf(query.cursor) });
    private_(ctx);
    ctx.body = { entries: page.entries, nextCursor: cursorOf(page.nextBefore) };
  });
  return router;
}

/** The device API's history routes alone (for its OpenAPI document, src/api-documents.ts). */
export const deviceHistoryRoutes = (deps: { db: Kysely<Schema> }): Router => addDeviceRoutes(new Router(), deps.db);

/** The admin API's history route alone (for its OpenAPI document). */
export const adminHistoryRoutes = (deps: { db: Kysely<Schema>; adminToken: string }): Router =>
  addAdminRoutes(new Router(), deps.db, deps.adminToken);

/** A citizen's history: on the device API for the citizen, on the admin API for the CLI. */
export function historyRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  return addAdminRoutes(addDeviceRoutes(new Router(), deps.db), deps.db, deps.adminToken);
}
