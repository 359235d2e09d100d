import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ForbiddenError } from '../errors.ts';
import { rolesOf, type Role } from '../staff/roles.ts';

/**
 * Who acts on an application:
 *   admin_token  whoever holds the admin token: the sandbox operator, who may take every step
 *   staff        a member of DOPA staff, by citizen ID, with the roles they hold (checked again in each transaction)
 *   agency       a citizen acting for an agency: the administrator named on its application
 *   first_start  the server itself, making the demo relying party on an installation's first start
 */
export type ApplicationActor =
  | { kind: 'admin_token' }
  | { kind: 'staff'; pid: string; roles: readonly Role[] }
  | { kind: 'agency'; pid: string }
  | { kind: 'first_start' };

export const adminTokenActor: ApplicationActor = { kind: 'admin_token' };

/** A citizen acting for an agency, as the agency portal knows them after sign-in. */
export const agencyAdministrator = (pid: string): ApplicationActor => ({ kind: 'agency', pid });

/** A member of staff with the roles they hold now, as the staff console knows them after sign-in. */
export async function staffActor(db: Kysely<Schema>, pid: string): Promise<ApplicationActor> {
  const roles = await rolesOf(db, pid);
  if (roles.length === 0) throw new ForbiddenError('not_staff', `Citizen ${pid} holds no staff role: only DOPA staff review and approve applications.`);
  return { kind: 'staff', pid, roles };
}

/**
 * The role an actor acted in, as events and audit rows record it: the staff role used, agency_admin for an
 * agency's administrator, admin_token or first_start.
 */
export type ActingRole = 'agency_admin' | 'reviewer' | 'approver' | 'admin_token' | 'first_start';

/** How an event and a letter name the actor: admin_token, first_start, or the person's citizen ID. */
export const actorName = (actor: ApplicationActor): string => (actor.kind === 'staff' || actor.kind === 'agency' ? actor.pid : actor.kind);

/** The audit log's actor, or undefined for first_start: a first start is not an action through an API. */
export function auditActorOf(actor: ApplicationActor, role: ActingRole): AuditActor | undefined {
  switch (actor.kind) {
    case 'admin_token':
      return { kind: 'admin_token' };
    case 'staff':
      return { kind: 'staff', pid: actor.pid, role: role === 'approver' ? 'approver' : 'reviewer' };
    case 'agency':
      return { kind: 'agency', pid: actor.pid, role: 'agency_admin' };
    case 'first_start':
      return undefined;
  }
}

/** The event's actor columns. */
export function eventActorOf(actor: ApplicationActor, role: ActingRole) {
  return {
    actor_kind: actor.kind,
    actor_pid: actor.kind === 'staff' || actor.kind === 'agency' ? actor.pid : null,
    actor_role: actor.kind === 'staff' || actor.kind === 'agency' ? role : null,
  };
}
