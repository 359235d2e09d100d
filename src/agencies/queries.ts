import type { Kysely, Selectable } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { ActiveSystemsView, AgencySystemsTable, IdTokenAlg, Schema, Status, WireProfile } from '../db/schema.ts';

export type ActiveSystem = Selectable<ActiveSystemsView>;

export interface NewAgency {
  nameTh: string;
  nameEn: string;
}

export interface NewSystem {
  clientId: string;
  name: string;
  purpose: string;
  redirectUris: string[];
  scopes: string[];
  tokenEndpointAuthMethod: AgencySystemsTable['token_endpoint_auth_method'];
  clientSecretHash: string | null;
  /** The database's defaults when absent: thaid, RS256, no API key. */
  wireProfile?: WireProfile;
  idTokenAlg?: IdTokenAlg;
  apiKeyHash?: string | null;
}

export async function insertAgencyWithSystem(
  db: Kysely<Schema>,
  agency: NewAgency,
  system: NewSystem,
): Promise<{ agencyId: string }> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('agencies')
      .values({ name_th: agency.nameTh, name_en: agency.nameEn })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('agency_systems')
      .values({
        client_id: system.clientId,
        agency_id: id,
        name: system.name,
        purpose: system.purpose,
        redirect_uris: system.redirectUris,
        scopes: system.scopes,
        token_endpoint_auth_method: system.tokenEndpointAuthMethod,
        client_secret_hash: system.clientSecretHash,
        wire_profile: system.wireProfile,
        id_token_alg: system.idTokenAlg,
        api_key_hash: system.apiKeyHash,
      })
      .execute();
    return { agencyId: id };
  });
}

/** A system that may act right now: both it and its agency are active. */
export async function findActiveSystem(db: Kysely<Schema>, clientId: string): Promise<ActiveSystem | undefined> {
  return findActiveSystemQuery.first(db, { clientId });
}

const findActiveSystemQuery = compiledOnce((db, p: { clientId: string }) => db.selectFrom('active_systems').selectAll().where('client_id', '=', p.clientId));

export async function setSystemStatus(db: Kysely<Schema>, clientId: string, status: Status): Promise<boolean> {
  const result = await db
    .updateTable('agency_systems')
    .set({ status, updated_at: new Date() })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setAgencyStatus(db: Kysely<Schema>, agencyId: string, status: Status): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set({ status, updated_at: new Date() })
    .where('id', '=', agencyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
