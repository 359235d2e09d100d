import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A policy violation as staff read it. */
export interface PolicyViolation {
  id: string;
  at: Date;
  kind: 'unapproved_scope';
  agencyId: string;
  agencyNameEn: string;
  clientId: string;
  systemName: string;
  /** The data items asked for that the system is not approved for. */
  items: string[];
  requestId: string | null;
}

export interface NewViolation {
  kind: PolicyViolation['kind'];
  agencyId: string;
  clientId: string;
  items: string[];
  requestId: string | null;
}

/** Records one violation; rows are never changed afterwards (migration 0023's triggers). */
export async function insertViolation(db: Kysely<Schema>, violation: NewViolation): Promise<void> {
  await db
    .insertInto('policy_violations')
    .values({
      kind: violation.kind,
      agency_id: violation.agencyId,
      client_id: violation.clientId,
      items: violation.items,
      request_id: violation.requestId,
    })
    .execute();
}

export interface ViolationFilter {
  agencyId?: string | undefined;
  clientId?: string | undefined;
  /** Violations at or after this time. */
  since?: Date | undefined;
  limit: number;
  /** Violations older than this id: the previous page's next_cursor. */
  cursor?: string | undefined;
}

/** Violations newest first, a page at a time, with the names of the agency and system. */
export async function listViolations(db: Kysely<Schema>, filter: ViolationFilter): Promise<PolicyViolation[]> {
  let query = db
    .selectFrom('policy_violations as v')
    .innerJoin('agency_systems as s', 's.client_id', 'v.client_id')
    .innerJoin('agencies as a', 'a.id', 'v.agency_id')
    .select(['v.id', 'v.at', 'v.kind', 'v.agency_id', 'a.name_en', 'v.client_id', 's.name', 'v.items', 'v.request_id']);
  if (filter.agencyId !== undefined) query = query.where('v.agency_id', '=', filter.agencyId);
  if (filter.clientId !== undefined) query = query.where('v.client_id', '=', filter.clientId);
  if (filter.since !== undefined) query = query.where('v.at', '>=', filter.since);
  if (filter.cursor !== undefined) query = query.where('v.id', '<', sql<string>`cast(${filter.cursor} as bigint)`);
  const rows = await query.orderBy('v.id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: new Date(r.at),
    kind: r.kind,
    agencyId: r.agency_id,
    agencyNameEn: r.name_en,
    clientId: r.client_id,
    systemName: r.name,
    items: r.items,
    requestId: r.request_id,
  }));
}
