import type { Kysely } from 'kysely';
import type { Schema, StaffRole } from '../db/schema.ts';
import { activeRolesOf } from './queries.ts';

/**
 * The roles of DOPA staff, in the order of what they may do:
 *   reviewer       reads and checks agencies' applications, and prepares approvals
 *   approver       approves or refuses them; suspends, reinstates or cancels agencies and systems
 *   administrator  grants and removes staff roles; publishes the conditions of use; suspends, reinstates or
 *                  cancels agencies and systems
 * A person may hold several; each is granted on its own (holding one implies none of the others). What each page
 * asks is in src/consoles (staffForm's roles); the same words for citizens are in src/consoles/role-labels.ts.
 */
export const staffRoles = ['reviewer', 'approver', 'administrator'] as const satisfies readonly StaffRole[];
export type Role = StaffRole;

/** The roles a citizen holds right now, in the order of staffRoles; none for someone who is not staff. */
export async function rolesOf(db: Kysely<Schema>, pid: string): Promise<Role[]> {
  const held = new Set(await activeRolesOf(db, pid));
  return staffRoles.filter((role) => held.has(role));
}
