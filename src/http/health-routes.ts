import Router from '@koa/router';
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** /healthz: the process is up. /readyz: it can serve, which needs the database. */
export function healthRoutes(db: Kysely<Schema>): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await sql`select 1`.execute(db);
      ctx.body = { status: 'ready' };
    } catch {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { status: 'unavailable', error_description: 'The database cannot be reached.' };
    }
  });
  return router;
}
