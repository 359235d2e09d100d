import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { isUuid } from '../db/uuid.ts';
import { listNotices } from './notice-queries.ts';

/*
 * Agencies and their systems as the admin API and the staff console list and show them: each system with its
 * agency's name and status, whether it acts now (the active_systems view), and the notices of its status changes;
 * and an agency's systems as the agency portal reads them (agency-systems.ts).
 */

const systemColumns = [
  's.client_id as clientId',
  's.agency_id as agencyId',
  'a.name_en as agencyNameEn',
  's.name',
  's.status',
  'a.status as agencyStatus',
  's.created_at as createdAt',
  's.updated_at as updatedAt',
] as const;

function selectSystems(db: Kysely<Schema>) {
  return db
    .selectFrom('agency_systems as s')
    .innerJoin('agencies as a', 'a.id', 's.agency_id')
    .select(systemColumns)
    .select((eb) => eb.exists(eb.selectFrom('active_systems as v').select('v.client_id').whereRef('v.client_id', '=', 's.client_id')).as('active'));
}

export async function listSystems(db: Kysely<Schema>) {
  return selectSystems(db).orderBy('s.created_at').orderBy('s.client_id').execute();
}

export async function findSystem(db: Kysely<Schema>, clientId: string) {
  const system = await selectSystems(db).select(['s.redirect_uris as redirectUris', 's.scopes']).where('s.client_id', '=', clientId).executeTakeFirst();
  return system && { ...system, notices: await listNotices(db, { agencyId: system.agencyId, clientId }) };
}

const agencyColumns = ['a.id', 'a.name_th as nameTh', 'a.name_en as nameEn', 'a.status', 'a.created_at as createdAt', 'a.updated_at as updatedAt'] as const;

export async function listAgencies(db: Kysely<Schema>) {
  return db
    .selectFrom('agencies as a')
    .select(agencyColumns)
    .select((eb) => eb.selectFrom('agency_systems as s').select(eb.fn.countAll<string>().as('n')).whereRef('s.agency_id', '=', 'a.id').as('systems'))
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, systems: Number(r.systems) })));
}

export async function findAgency(db: Kysely<Schema>, id: string) {
  if (!isUuid(id)) return undefined;
  const agency = await db.selectFrom('agencies as a').select(agencyColumns).where('a.id', '=', id).executeTakeFirst();
  if (!agency) return undefined;
  const systems = await selectSystems(db).where('s.agency_id', '=', id).orderBy('s.created_at').orderBy('s.client_id').execute();
  return { ...agency, systems, notices: await listNotices(db, { agencyId: id }) };
}

/** An agency's systems as its administrator reads them in the agency portal (agency-systems.ts), oldest first. */
export async function systemRowsOfAgency(db: Kysely<Schema>, agencyId: string) {
  return db
    .selectFrom('agency_systems as s')
    .select([
      's.client_id',
      's.name',
      's.status',
      's.redirect_uris',
      's.scopes',
      's.token_endpoint_auth_method',
      's.wire_profile',
      's.id_token_alg',
      's.previous_secret_expires_at',
      's.client_secret_hash',
      's.api_key_hash',
      's.created_at',
    ])
    .select((eb) => eb.exists(eb.selectFrom('active_systems as v').select('v.client_id').whereRef('v.client_id', '=', 's.client_id')).as('active'))
    .where('s.agency_id', '=', agencyId)
    .orderBy('s.created_at')
    .orderBy('s.client_id')
    .execute();
}
