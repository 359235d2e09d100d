import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** Who acted: whoever holds the admin token, a member of staff in one of their roles, or an agency's administrator. */
export type AuditActor =
  | { kind: 'admin_token' }
  | { kind: 'staff'; pid: string; role: 'reviewer' | 'approver' | 'administrator' }
  | { kind: 'agency'; pid: string; role: 'agency_admin' };

export interface AuditEventInput {
  actor: AuditActor;
  /** What was done, as `<thing>.<verb>`: 'relying_party.create', 'keys.rotate', 'ledger.tree_head.sign'. */
  action: string;
  target: { kind: string; id: string };
  /** The state before and after, as JSON; null where there is none. Never a secret in clear. */
  before?: unknown;
  after?: unknown;
  requestId?: string | null | undefined;
}

export interface AuditEvent {
  id: string;
  at: Date;
  actor: { kind: string; pid: string | null; role: string | null };
  action: string;
  target: { kind: string; id: string };
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const asJsonb = (value: unknown) => (value === undefined || value === null ? null : sql<unknown>`cast(${JSON.stringify(value)} as jsonb)`);

export async function insertAuditEvent(db: Kysely<Schema>, event: AuditEventInput): Promise<void> {
  const { actor } = event;
  await db
    .insertInto('audit_events')
    .values({
      actor_kind: actor.kind,
      actor_pid: actor.kind === 'admin_token' ? null : actor.pid,
      actor_role: actor.kind === 'admin_token' ? null : actor.role,
      action: event.action,
      target_kind: event.target.kind,
      target_id: event.target.id,
      before: asJsonb(event.before) as never,
      after: asJsonb(event.after) as never,
      request_id: event.requestId ?? null,
    })
    .execute();
}

export interface AuditFilter {
  /** Events at or after this time. */
  since?: Date | undefined;
  /** Events before this time. */
  until?: Date | undefined;
  /** 'admin_token', or the citizen ID of a person who acted. */
  actor?: string | undefined;
  action?: string | undefined;
  limit: number;
  /** Events older than this id: the previous page's next_cursor. */
  cursor?: string | undefined;
}

/** Events newest first, a page at a time. */
export async function listAuditEvents(db: Kysely<Schema>, filter: AuditFilter): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.until) query = query.where('at', '<', filter.until);
  if (filter.actor === 'admin_token') query = query.where('actor_kind', '=', 'admin_token');
  else if (filter.actor !== undefined) query = query.where('actor_pid', '=', filter.actor);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.cursor !== undefined) query = query.where('id', '<', sql<string>`cast(${filter.cursor} as bigint)`);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((row) => ({
    id: String(row.id),
    at: new Date(row.at),
    actor: { kind: row.actor_kind, pid: row.actor_pid, role: row.actor_role },
    action: row.action,
    target: { kind: row.target_kind, id: row.target_id },
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
  }));
}
