import Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** Disclosure counts: an agency's own, and every agency's for staff. */
export function volumeRoutes(_deps: { db: Kysely<Schema>; adminToken: string }): Router {
  return new Router();
}
