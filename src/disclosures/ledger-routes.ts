import Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** The ledger's public tree head and proofs, and its admin reads. */
export function ledgerRoutes(_deps: { db: Kysely<Schema>; adminToken: string }): Router {
  return new Router();
}
