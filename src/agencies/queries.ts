import type { Kysely, Selectable } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import { ConflictError } from '../errors.ts';
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
  // Both rows or neither; inside a caller's transaction (one that records the action too), as part of it.
  const inTransaction = <T>(work: (trx: Kysely<Schema>) => Promise<T>) => (db.isTransaction ? work(db) : db.transaction().execute(work));
  return inTransaction(async (trx) => {
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

/**
 * Sets a system's status; false if there is no such system. Leaving 'active' records tokens_valid_after (a
 * trigger, migration 0016), so reinstating the system does not revive the tokens issued before. Cancellation is
 * final: a cancelled system cannot be made active or suspended again.
 */
export async function setSystemStatus(db: Kysely<Schema>, clientId: string, status: Status): Promise<boolean> {
  const current = await db.selectFrom('agency_systems').select('status').where('client_id', '=', clientId).executeTakeFirst();
  if (!current) return false;
  if (current.status === 'cancelled' && status !== 'cancelled') throw cancellationIsFinal(`System ${clientId}`);
  const result = await db
    .updateTable('agency_systems')
    .set({ status, updated_at: new Date() })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** As setSystemStatus, for an agency and so all its systems at once. */
export async function setAgencyStatus(db: Kysely<Schema>, agencyId: string, status: Status): Promise<boolean> {
  const current = await db.selectFrom('agencies').select('status').where('id', '=', agencyId).executeTakeFirst();
  if (!current) return false;
  if (current.status === 'cancelled' && status !== 'cancelled') throw cancellationIsFinal(`Agency ${agencyId}`);
  const result = await db
    .updateTable('agencies')
    .set({ status, updated_at: new Date() })
    .where('id', '=', agencyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const cancellationIsFinal = (what: string) =>
  new ConflictError('cancelled', `${what} is cancelled, and cancellation is final: register the agency again instead.`);
