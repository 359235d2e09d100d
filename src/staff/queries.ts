import type { Kysely } from 'kysely';
import type { Schema, StaffRole } from '../db/schema.ts';

/** One grant of a staff role, active or revoked. */
export interface StaffGrant {
  pid: string;
  role: StaffRole;
  grantedAt: Date;
  grantedBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

const columns = ['pid', 'role', 'granted_at', 'granted_by', 'revoked_at', 'revoked_by'] as const;

const toGrant = (row: { pid: string; role: StaffRole; granted_at: Date; granted_by: string; revoked_at: Date | null; revoked_by: string | null }): StaffGrant => ({
  pid: row.pid,
  role: row.role,
  grantedAt: row.granted_at,
  grantedBy: row.granted_by,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
});

/**
 * Grants a role: the new grant, or undefined when the citizen already holds it. The citizen must be in the
 * registry (the foreign key refuses anyone else); the caller checks first to answer "no such citizen".
 * `by` is 'admin_token' or the citizen ID of the member of staff who grants it.
 */
export async function grantStaffRole(db: Kysely<Schema>, pid: string, role: StaffRole, by: string): Promise<StaffGrant | undefined> {
  const row = await db
    .insertInto('staff_roles')
    .values({ pid, role, granted_by: by })
    .onConflict((oc) => oc.columns(['pid', 'role']).where('revoked_at', 'is', null).doNothing())
    .returning(columns)
    .executeTakeFirst();
  return row && toGrant(row);
}

/** Revokes an active grant, keeping its row: the revoked grant, or undefined when the citizen does not hold the role. */
export async function revokeStaffRole(db: Kysely<Schema>, pid: string, role: StaffRole, by: string): Promise<StaffGrant | undefined> {
  const row = await db
    .updateTable('staff_roles')
    .set({ revoked_at: new Date(), revoked_by: by })
    .where('pid', '=', pid)
    .where('role', '=', role)
    .where('revoked_at', 'is', null)
    .returning(columns)
    .executeTakeFirst();
  return row && toGrant(row);
}

/** The active grants, of one role or all, by citizen ID then role. */
export async function listActiveStaff(db: Kysely<Schema>, filter: { role?: StaffRole | undefined } = {}): Promise<StaffGrant[]> {
  let query = db.selectFrom('staff_roles').select(columns).where('revoked_at', 'is', null);
  if (filter.role !== undefined) query = query.where('role', '=', filter.role);
  const rows = await query.orderBy('pid').orderBy('role').execute();
  return rows.map(toGrant);
}

/** The roles a citizen holds right now, unordered. */
export async function activeRolesOf(db: Kysely<Schema>, pid: string): Promise<StaffRole[]> {
  const rows = await db.selectFrom('staff_roles').select('role').where('pid', '=', pid).where('revoked_at', 'is', null).execute();
  return rows.map((r) => r.role);
}

/**
 * Locks the active administrator grants for update, in citizen ID order, and returns whose they are. Two removals
 * at once take the locks in the same order, so the second waits for the first and then sees what it left.
 */
export async function lockActiveAdministrators(db: Kysely<Schema>): Promise<string[]> {
  const rows = await db.selectFrom('staff_roles').select('pid').where('role', '=', 'administrator').where('revoked_at', 'is', null).orderBy('pid').forUpdate().execute();
  return rows.map((r) => r.pid);
}
