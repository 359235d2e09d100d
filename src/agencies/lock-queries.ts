import type { Kysely } from 'kysely';
import type { Schema, Status } from '../db/schema.ts';

/*
 * The row locks that a status change, a secret rotation and an application's approval take on an agency and its
 * systems. Their callers take them in one order, the agency's row before any of its systems' rows (an approval
 * locks the systems it extends with lockSystemOfAgency), because the other order could deadlock; the callers decide the
 * order, these statements only lock.
 */

/** Locks an agency's row for update: its status and id; undefined for no such agency. */
export async function lockAgency(db: Kysely<Schema>, agencyId: string): Promise<{ status: Status; id: string } | undefined> {
  return db.selectFrom('agencies').select(['status', 'id']).where('id', '=', agencyId).forUpdate().executeTakeFirst();
}

/** Locks an agency's row for update, that must exist: its status. */
export async function lockAgencyStatus(db: Kysely<Schema>, agencyId: string): Promise<Status> {
  return (await db.selectFrom('agencies').select('status').where('id', '=', agencyId).forUpdate().executeTakeFirstOrThrow()).status;
}

/** Holds an agency's row for share, that must exist: its status, which no change can move until the transaction ends. */
export async function shareAgencyStatus(db: Kysely<Schema>, agencyId: string): Promise<Status> {
  return (await db.selectFrom('agencies').select('status').where('id', '=', agencyId).forShare().executeTakeFirstOrThrow()).status;
}

/** Locks an agency's row for update, that must exist: its names and status, as an approval of a change reads them. */
export async function lockAgencyWithNames(db: Kysely<Schema>, agencyId: string) {
  return db.selectFrom('agencies').select(['id', 'name_th', 'name_en', 'status']).where('id', '=', agencyId).forUpdate().executeTakeFirstOrThrow();
}

/** Locks a system's row for update, that must exist: its status. */
export async function lockSystemStatus(db: Kysely<Schema>, clientId: string): Promise<Status> {
  return (await db.selectFrom('agency_systems').select('status').where('client_id', '=', clientId).forUpdate().executeTakeFirstOrThrow()).status;
}

/** Locks a system of an agency for update, as an approval extending it reads it; undefined when the agency has no such system. */
export async function lockSystemOfAgency(db: Kysely<Schema>, agencyId: string, clientId: string) {
  return db
    .selectFrom('agency_systems')
    .select(['name', 'status', 'redirect_uris', 'scopes', 'daily_quota'])
    .where('client_id', '=', clientId)
    .where('agency_id', '=', agencyId)
    .forUpdate()
    .executeTakeFirst();
}
