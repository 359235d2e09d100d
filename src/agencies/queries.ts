import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import { ConflictError } from '../errors.ts';
import { quotaUsedUp } from '../enforcement/usage-queries.ts';
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
  /** Authorization requests allowed per day; null (the default) for no limit. */
  dailyQuota?: number | null;
}

/** A new agency row (an application's approval makes it, in its transaction): its id. */
export async function insertAgency(db: Kysely<Schema>, agency: NewAgency): Promise<string> {
  const { id } = await db.insertInto('agencies').values({ name_th: agency.nameTh, name_en: agency.nameEn }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** A new system of an agency (an application's approval makes it, in its transaction). */
export async function insertSystem(db: Kysely<Schema>, agencyId: string, system: NewSystem): Promise<void> {
  await db
    .insertInto('agency_systems')
    .values({
      client_id: system.clientId,
      agency_id: agencyId,
      name: system.name,
      purpose: system.purpose,
      redirect_uris: system.redirectUris,
      scopes: system.scopes,
      token_endpoint_auth_method: system.tokenEndpointAuthMethod,
      client_secret_hash: system.clientSecretHash,
      wire_profile: system.wireProfile,
      id_token_alg: system.idTokenAlg,
      api_key_hash: system.apiKeyHash,
      daily_quota: system.dailyQuota,
    })
    .execute();
}

/**
 * Sets what an approval permits an existing system (its caller locked the row and merged the additions): its
 * redirect URIs and data items, and its daily quota when the approval changes it (undefined keeps it).
 */
export async function extendSystem(
  db: Kysely<Schema>,
  clientId: string,
  now: { redirectUris: string[]; scopes: string[]; dailyQuota: number | null | undefined },
): Promise<void> {
  await db
    .updateTable('agency_systems')
    .set({ redirect_uris: now.redirectUris, scopes: now.scopes, ...(now.dailyQuota === undefined ? {} : { daily_quota: now.dailyQuota }), updated_at: new Date() })
    .where('client_id', '=', clientId)
    .execute();
}

/** An agency's id and status, for areas that only need to know it exists and whether it acts. */
export async function findAgencyStatus(db: Kysely<Schema>, agencyId: string): Promise<{ id: string; status: Status } | undefined> {
  return db.selectFrom('agencies').select(['id', 'status']).where('id', '=', agencyId).executeTakeFirst();
}

/** Whether a system with this client_id exists, in any status. */
export async function systemExists(db: Kysely<Schema>, clientId: string): Promise<boolean> {
  return !!(await db.selectFrom('agency_systems').select('client_id').where('client_id', '=', clientId).executeTakeFirst());
}

/** Whether an agency with this id exists, in any status. */
export async function agencyExists(db: Kysely<Schema>, agencyId: string): Promise<boolean> {
  return !!(await db.selectFrom('agencies').select('id').where('id', '=', agencyId).executeTakeFirst());
}

/** The agency a system belongs to, read without a lock (a system never moves to another agency); undefined for no such system. */
export async function agencyIdOfSystem(db: Kysely<Schema>, clientId: string): Promise<string | undefined> {
  return (await db.selectFrom('agency_systems').select('agency_id').where('client_id', '=', clientId).executeTakeFirst())?.agency_id;
}

/** What each system of an agency is permitted now, and its status: what a change of the agency asks more of. */
export async function systemPermissionsOfAgency(db: Kysely<Schema>, agencyId: string) {
  return db.selectFrom('agency_systems').select(['client_id', 'name', 'status', 'redirect_uris', 'scopes', 'daily_quota']).where('agency_id', '=', agencyId).execute();
}

/** The hash of a system's current client secret: null for a public client, undefined for no such system. */
export async function systemSecretHash(db: Kysely<Schema>, clientId: string): Promise<string | null | undefined> {
  return (await db.selectFrom('agency_systems').select('client_secret_hash').where('client_id', '=', clientId).executeTakeFirst())?.client_secret_hash;
}

/** A system's redirect URIs; undefined for no such system. */
export async function systemRedirectUris(db: Kysely<Schema>, clientId: string): Promise<string[] | undefined> {
  return (await db.selectFrom('agency_systems').select('redirect_uris').where('client_id', '=', clientId).executeTakeFirst())?.redirect_uris;
}

/** Replaces a system's redirect URIs (a first-party system's, as they follow the ISSUER). */
export async function setSystemRedirectUris(db: Kysely<Schema>, clientId: string, redirectUris: string[]): Promise<void> {
  await db.updateTable('agency_systems').set({ redirect_uris: redirectUris, updated_at: new Date() }).where('client_id', '=', clientId).execute();
}

/** An active system as the provider's client lookup reads it: with whether its daily quota is used up today. */
export type ActiveClient = ActiveSystem & { quota_used_up: boolean };

/** A system that may act right now: both it and its agency are active. */
export async function findActiveSystem(db: Kysely<Schema>, clientId: string): Promise<ActiveClient | undefined> {
  return findActiveSystemQuery.first(db, { clientId });
}

// The quota check rides in the client lookup, so it costs the provider no statement of its own.
const findActiveSystemQuery = compiledOnce((db, p: { clientId: string }) =>
  db.selectFrom('active_systems').selectAll().select(quotaUsedUp('active_systems').as('quota_used_up')).where('client_id', '=', p.clientId),
);

/** A row as JSON gives it: timestamps become text. */
type AsJson<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/**
 * The same lookup as findActiveSystem, as one JSON value of another statement (null when the system may not
 * act): a statement that reads a token reads its client with it (src/oidc/payload-statements.ts).
 */
export function activeSystemAsJson(clientId: RawBuilder<unknown>) {
  return sql<AsJson<ActiveClient> | null>`(
    select to_jsonb(s) || jsonb_build_object('quota_used_up', ${quotaUsedUp('s')}) from active_systems s where s.client_id = ${clientId})`;
}

/**
 * Sets a system's status; false if there is no such system. Leaving 'active' records tokens_valid_after (a
 * trigger, migration 0016), so reinstating the system does not revive the tokens issued before. Cancellation is
 * final: a cancelled system cannot be made active or suspended again.
 */
export async function setSystemStatus(db: Kysely<Schema>, clientId: string, status: Status): Promise<boolean> {
  const current = await db.selectFrom('agency_systems').select('status').where('client_id', '=', clientId).executeTakeFirst();
  if (!current) return false;
  if (current.status === 'cancelled' && status !== 'cancelled') throw cancellationIsFinal(`System ${clientId}`, 'system');
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
  if (current.status === 'cancelled' && status !== 'cancelled') throw cancellationIsFinal(`Agency ${agencyId}`, 'agency');
  const result = await db
    .updateTable('agencies')
    .set({ status, updated_at: new Date() })
    .where('id', '=', agencyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Cancellation is final; what may take its place depends on what was cancelled. */
export const cancellationIsFinal = (what: string, kind: 'agency' | 'system') =>
  new ConflictError(
    'cancelled',
    kind === 'system'
      ? `${what} is cancelled, and cancellation is final: its agency may ask for a new system in a change request instead.`
      : `${what} is cancelled, and cancellation is final: the agency may apply again, as a new application, instead.`,
  );
