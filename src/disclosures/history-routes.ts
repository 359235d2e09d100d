import Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A citizen's history: on the device API for the citizen, on the admin API for the CLI. */
export function historyRoutes(_deps: { db: Kysely<Schema>; adminToken: string }): Router {
  return new Router();
}
