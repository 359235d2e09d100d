import type { Middleware } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { applyDueStatusChanges } from './status-changes.ts';

/**
 * A scheduled suspension or cancellation acts from its time on (the active_systems view), while the maintenance
 * records it in the statuses only at its next run. Before a read, this applies what is due, so that a page or an
 * answer shows the status in force, as the endpoints enforce it.
 */
export function statusInForceOnReads(db: Kysely<Schema>): Middleware {
  return async (ctx, next) => {
    // The maintenance tries again; a read never fails for it.
    if (ctx.method === 'GET') await applyDueStatusChanges(db).catch((error: unknown) => ctx.state['log']?.warn({ err: error }, 'applying due status changes before a read failed'));
    await next();
  };
}
