import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { Schema, StaffRole } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { findCitizen } from '../registry/queries.ts';
import { grantStaffRole, lockActiveAdministrators, revokeStaffRole, type StaffGrant } from './queries.ts';

/** Who grants or removes a role: the admin token, or a member of staff acting in the administrator role. */
export type StaffChangeActor = Extract<AuditActor, { kind: 'admin_token' }> | { kind: 'staff'; pid: string; role: 'administrator' };

export interface StaffChange {
  pid: string;
  role: StaffRole;
  actor: StaffChangeActor;
  requestId: string | null;
}

/** What staff_roles keeps as granted_by and revoked_by. */
const byOf = (actor: StaffChangeActor) => (actor.kind === 'admin_token' ? 'admin_token' : actor.pid);

/**
 * Grants a role and records it in the audit log, in one transaction. Throws NotFoundError for a citizen the
 * registry does not have, ConflictError when the citizen already holds the role.
 */
export async function addStaffRole(db: Kysely<Schema>, change: StaffChange): Promise<StaffGrant> {
  const { pid, role } = change;
  return db.transaction().execute(async (trx) => {
    if (!(await findCitizen(trx, pid))) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
    const grant = await grantStaffRole(trx, pid, role, byOf(change.actor));
    if (!grant) throw new ConflictError('already_granted', `Citizen ${pid} already holds the ${role} role.`);
    await recordAuditEvent(trx, { actor: change.actor, action: 'staff.add', target: { kind: 'staff', id: pid }, after: { role }, requestId: change.requestId });
    return grant;
  });
}

/**
 * Removes a role (the grant is kept, revoked) and records it, in one transaction; NotFoundError when not held.
 * The last administrator's role is refused (ConflictError last_administrator): without one, no one could grant
 * roles but the admin token. Two administrators removing each other at once: the second sees the first's removal.
 */
export async function removeStaffRole(db: Kysely<Schema>, change: StaffChange): Promise<StaffGrant> {
  const { pid, role } = change;
  return db.transaction().execute(async (trx) => {
    if (role === 'administrator') {
      const administrators = await lockActiveAdministrators(trx);
      if (administrators.length === 1 && administrators[0] === pid) throw lastAdministrator(pid);
    }
    const grant = await revokeStaffRole(trx, pid, role, byOf(change.actor));
    if (!grant) throw new NotFoundError(`Citizen ${pid} does not hold the ${role} role.`);
    await recordAuditEvent(trx, { actor: change.actor, action: 'staff.remove', target: { kind: 'staff', id: pid }, before: { role }, requestId: change.requestId });
    return grant;
  });
}

const lastAdministrator = (pid: string) =>
  new ConflictError(
    'last_administrator',
    `Citizen ${pid} is the only administrator, and someone must remain to grant and remove staff roles: grant the administrator role to someone else first.`,
  );
