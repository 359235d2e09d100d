import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { insertAuditEvent, type AuditEventInput } from './queries.ts';

export type { AuditActor } from './queries.ts';

/**
 * Records one action in the audit log. Pass the action's transaction where it has one, so the record and the
 * action's writes are kept or lost together. `before` and `after` must hold no secret in clear.
 */
export async function recordAuditEvent(db: Kysely<Schema>, event: AuditEventInput): Promise<void> {
  await insertAuditEvent(db, event);
}

/** The request id the request context gave this request, for the audit row. */
export const requestIdOf = (ctx: { state: { requestId?: unknown } }): string | null => (typeof ctx.state.requestId === 'string' ? ctx.state.requestId : null);
