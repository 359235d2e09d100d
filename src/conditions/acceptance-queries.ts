import { sql, type Kysely } from 'kysely';
import { dopaAgencyId } from '../agencies/first-party-systems.ts';
import type { Schema } from '../db/schema.ts';

/** An agency's acceptance of one version of the conditions of use. */
export interface ConditionsAcceptance {
  agencyId: string;
  version: number;
  /** The citizen ID of the agency's administrator who accepted. */
  acceptedBy: string;
  acceptedAt: Date;
}

/** An acceptance with the agency's names, as staff read it. */
export interface AcceptanceWithAgency extends ConditionsAcceptance {
  agencyNameTh: string;
  agencyNameEn: string;
}

/** An active agency that has not accepted the current version. */
export interface AgencyPendingAcceptance {
  agencyId: string;
  nameTh: string;
  nameEn: string;
  createdAt: Date;
  /** The newest version it did accept, if any. */
  lastAcceptedVersion: number | null;
}

const columns = ['agency_id', 'version', 'accepted_by', 'accepted_at'] as const;

const toAcceptance = (row: { agency_id: string; version: number; accepted_by: string; accepted_at: Date }): ConditionsAcceptance => ({
  agencyId: row.agency_id,
  version: row.version,
  acceptedBy: row.accepted_by,
  acceptedAt: row.accepted_at,
});

/**
 * Records an acceptance of `version` only if it is the newest published version as the statement runs, so a
 * publication made meanwhile is not accepted unread. Undefined when the version is not the current one, or when
 * the agency has already accepted it. `at` is when the administrator accepted, when that was earlier than now
 * (on the application they submitted); now by default.
 */
export async function insertAcceptanceOfCurrent(
  db: Kysely<Schema>,
  acceptance: { agencyId: string; version: number; pid: string; at?: Date | undefined },
): Promise<ConditionsAcceptance | undefined> {
  const row = await db
    .insertInto('conditions_acceptances')
    .columns(['agency_id', 'version', 'accepted_by', 'accepted_at'])
    .expression(
      db
        .selectNoFrom([
          sql<string>`cast(${acceptance.agencyId} as uuid)`.as('agency_id'),
          sql<number>`cast(${acceptance.version} as integer)`.as('version'),
          sql<string>`cast(${acceptance.pid} as char(13))`.as('accepted_by'),
          sql<Date>`coalesce(cast(${acceptance.at?.toISOString() ?? null} as timestamptz), now())`.as('accepted_at'),
        ])
        .where(sql<boolean>`cast(${acceptance.version} as integer) = (select max(version) from conditions_versions)`),
    )
    .onConflict((oc) => oc.columns(['agency_id', 'version']).doNothing())
    .returning(columns)
    .executeTakeFirst();
  return row && toAcceptance(row);
}

export async function findAcceptance(db: Kysely<Schema>, agencyId: string, version: number): Promise<ConditionsAcceptance | undefined> {
  const row = await db.selectFrom('conditions_acceptances').select(columns).where('agency_id', '=', agencyId).where('version', '=', version).executeTakeFirst();
  return row && toAcceptance(row);
}

/** The acceptances of one agency, newest version first. */
export async function listAcceptancesOf(db: Kysely<Schema>, agencyId: string): Promise<ConditionsAcceptance[]> {
  const rows = await db.selectFrom('conditions_acceptances').select(columns).where('agency_id', '=', agencyId).orderBy('version', 'desc').execute();
  return rows.map(toAcceptance);
}

/** Every acceptance, of every version, newest first. */
export async function listAcceptances(db: Kysely<Schema>): Promise<AcceptanceWithAgency[]> {
  const rows = await db
    .selectFrom('conditions_acceptances as c')
    .innerJoin('agencies as a', 'a.id', 'c.agency_id')
    .select(['c.agency_id', 'c.version', 'c.accepted_by', 'c.accepted_at', 'a.name_th', 'a.name_en'])
    .orderBy('c.accepted_at', 'desc')
    .orderBy('c.agency_id')
    .execute();
  return rows.map((r) => ({ ...toAcceptance(r), agencyNameTh: r.name_th, agencyNameEn: r.name_en }));
}

/**
 * The active agencies without an acceptance of `version`, oldest first. DOPA itself is left out: it publishes the
 * conditions, and only owns the consoles' own sign-in; it never accepts them.
 */
export async function activeAgenciesNotAccepting(db: Kysely<Schema>, version: number): Promise<AgencyPendingAcceptance[]> {
  const rows = await db
    .selectFrom('agencies as a')
    .select(['a.id', 'a.name_th', 'a.name_en', 'a.created_at'])
    .select((eb) => eb.selectFrom('conditions_acceptances as c').select((e) => e.fn.max('c.version').as('v')).whereRef('c.agency_id', '=', 'a.id').as('last_version'))
    .where('a.status', '=', 'active')
    .where('a.id', '!=', dopaAgencyId)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('conditions_acceptances as c').select('c.version').whereRef('c.agency_id', '=', 'a.id').where('c.version', '=', version))),
    )
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({ agencyId: r.id, nameTh: r.name_th, nameEn: r.name_en, createdAt: r.created_at, lastAcceptedVersion: r.last_version ?? null }));
}
