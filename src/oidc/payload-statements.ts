import { createHash } from 'node:crypto';
import { sql, type InsertObject, type Kysely, type QueryCreator, type RawBuilder } from 'kysely';
import type { AdapterPayload } from 'oidc-provider';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Schema } from '../db/schema.ts';
import { activeSystemAsJson } from '../agencies/queries.ts';
import { countRequestWithinQuota, dailyQuotaOf } from '../enforcement/usage-queries.ts';
import { lifetimes } from './lifetimes.ts';

/*
 * The statements of oidc-provider's storage: every artefact the provider keeps (interactions, codes, tokens,
 * grants) is one row of oidc_payloads, keyed by (model, id). Each call of the adapter (src/oidc/adapter.ts) is
 * one of these statements; the clean-up of expired rows is here too. Queries of the same table that other areas
 * need (a grant ended, a citizen's grants) are in src/oidc/grant-queries.ts. No other module names the table.
 */

/*
 * A code or token is a bearer credential: whoever reads the table must not be able to use what is in it. Such a
 * row is stored under the SHA-256 of its value (base64url, storedIdOf below), and its payload without the jti (the value again);
 * a find is by the value the client sent, hashed the same way, and gives the jti back. Grants and interactions
 * are not credentials and keep their ids.
 */
export const credentialModels = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode']);

/** The id a row of `model` is stored under: the hash of a credential, any other id as it is. */
export function storedIdOf(model: string, id: string): string {
  return credentialModels.has(model) ? createHash('sha256').update(id).digest('base64url') : id;
}

const notExpired = (expiresAt: RawBuilder<unknown>) => sql<boolean>`(${expiresAt} is null or ${expiresAt} > now())`;

/** A row that has not expired, by the database's clock. */
export const live = notExpired(sql.ref('expires_at'));

/** The same of oidc_payloads read under `alias`, beside another row of it. */
export const liveAs = (alias: string) => notExpired(sql.ref(`${alias}.expires_at`));

/** A stored row's key; `value` is an id, a uid or a user code, depending on the lookup. */
export interface Key {
  model: string;
  value: string;
}

export interface StoredRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

export interface Upsert {
  model: string;
  id: string;
  /** The payload as JSON text: kept as sent (the column is json), a NUL in a client's state included. */
  payload: string;
  grantId: string | null;
  clientId: string | null;
  /** The citizen a grant, code or token is of: replacing their device ends them all (migration 0024). */
  accountId: string | null;
  uid: string | null;
  userCode: string | null;
  /** Seconds from now by the database's clock, the clock every read compares with; null for no expiry. */
  expiresIn: number | null;
}

/**
 * Reinstatement does not revive tokens: a token or code stored no later than its system's, or its agency's, last
 * suspension or cancellation (tokens_valid_after, migration 0016) is not found, as if it had expired, and every
 * endpoint refuses it as it refuses an unknown one (userinfo invalid_token, introspection active false, the
 * refresh and code grants invalid_grant). Part of the lookup itself, so it costs no statement of its own; both
 * moments are the database's clock.
 */
const storedBeforeItsSystemStopped = sql<boolean>`(
  oidc_payloads.model in ('AccessToken', 'RefreshToken', 'AuthorizationCode') and exists (
    select 1 from agency_systems s join agencies a on a.id = s.agency_id
    where s.client_id = oidc_payloads.client_id
      and oidc_payloads.created_at <= greatest(s.tokens_valid_after, a.tokens_valid_after)))`;

const findBy = (column: 'id' | 'uid' | 'user_code') =>
  compiledOnce((db, k: Key) =>
    db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', k.model)
      .where(column, '=', k.value)
      .where(live)
      .where(sql<boolean>`not ${storedBeforeItsSystemStopped}`)
      .limit(1),
  );

/*
 * A token, code or interaction with its grant and its client: the endpoints that take one read both next, and
 * find them in the request's memo instead of in statements of their own.
 */
export const findWithRelations = compiledOnce((db, k: Key) =>
  db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at', 'grant_id', 'client_id'])
    .select((eb) => [
      eb
        .selectFrom('oidc_payloads as granted')
        .select('granted.payload')
        .where('granted.model', '=', 'Grant')
        .whereRef('granted.id', '=', 'oidc_payloads.grant_id')
        .where(liveAs('granted'))
        .as('grant_payload'),
      activeSystemAsJson(sql.ref('oidc_payloads.client_id')).as('client'),
    ])
    .where('model', '=', k.model)
    .where('id', '=', k.value)
    .where(live)
    .where(sql<boolean>`not ${storedBeforeItsSystemStopped}`)
    .limit(1),
);

export const modelsReadWithRelations = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Interaction']);

/*
 * A grant that was ended (see withGrantEnded) stays ended: storing it again changes nothing, and the statement
 * returns no row, so the one storing it learns that it was not stored.
 */
export const grantEnded = sql<boolean>`(oidc_payloads.model = 'Grant' and oidc_payloads.expires_at is not null and oidc_payloads.expires_at <= now())`;

/** The row of an upsert, as the columns and values to insert. */
const rowOf = (u: Upsert): InsertObject<Schema, 'oidc_payloads'> => ({
  model: u.model,
  id: u.id,
  payload: sql`cast(${u.payload} as json)`,
  grant_id: u.grantId,
  client_id: u.clientId,
  account_id: u.accountId,
  uid: u.uid,
  user_code: u.userCode,
  expires_at: sql`now() + make_interval(secs => cast(${u.expiresIn} as double precision))`,
});

/** Stores the row of `u`, or replaces the one with its key; with `onlyIf`, only when that holds. */
const upsertOf = (db: QueryCreator<Schema>, u: Upsert, onlyIf?: RawBuilder<boolean>) => {
  const row = rowOf(u);
  const columns = Object.entries(row);
  const insert = onlyIf
    ? db
        .insertInto('oidc_payloads')
        .columns(columns.map(([column]) => column as keyof typeof row & string))
        .expression(sql`select ${sql.join(columns.map(([, value]) => value))} where ${onlyIf}`)
    : db.insertInto('oidc_payloads').values(row);
  return insert.onConflict((oc) =>
    oc
      .columns(['model', 'id'])
      .doUpdateSet((eb) => ({
        payload: eb.ref('excluded.payload'),
        grant_id: eb.ref('excluded.grant_id'),
        client_id: eb.ref('excluded.client_id'),
        account_id: eb.ref('excluded.account_id'),
        uid: eb.ref('excluded.uid'),
        user_code: eb.ref('excluded.user_code'),
        expires_at: eb.ref('excluded.expires_at'),
      }))
      .where(sql<boolean>`not ${grantEnded}`),
  );
};

export const statements = {
  findById: findBy('id'),
  findByUid: findBy('uid'),
  findByUserCode: findBy('user_code'),
  upsert: compiledOnce((db, u: Upsert) => upsertOf(db, u).returning('id')),
  /*
   * An interaction is stored when the provider starts a sign-in, and again as the sign-in goes on. Its first
   * storing counts one authorization request of its system today (the daily quota, src/enforcement), in this
   * same statement, and happens only if the count had room: `admitted` is false, with the quota, when it had none.
   * Every part of one statement reads the table as it was before it, so `earlier` does not see what `stored`
   * writes: only the first storing counts.
   */
  upsertInteraction: compiledOnce((db, u: Upsert) =>
    db
      .with('earlier', (qb) => qb.selectFrom('oidc_payloads').select('id').where('model', '=', u.model).where('id', '=', u.id))
      .with('counted', () => countRequestWithinQuota(u.clientId, sql<boolean>`not exists (select 1 from earlier)`))
      // Built on `db` rather than the CTE builder: its condition names the CTEs before it in raw SQL.
      .with('stored', () =>
        upsertOf(db, u, sql<boolean>`exists (select 1 from earlier) or exists (select 1 from counted) or cast(${u.clientId} as text) is null`).returning('id'),
      )
      .selectNoFrom([sql<boolean>`exists (select 1 from stored)`.as('admitted'), dailyQuotaOf(u.clientId).as('daily_quota')]),
  ),
  destroy: compiledOnce((db, k: Key) => db.deleteFrom('oidc_payloads').where('model', '=', k.model).where('id', '=', k.value)),
  /** Marks the row consumed only if no one has: the returned row says this call won. */
  consume: compiledOnce((db, k: Key) =>
    db
      .updateTable('oidc_payloads')
      .set({ consumed_at: sql`now()` })
      .where('model', '=', k.model)
      .where('id', '=', k.value)
      .where('consumed_at', 'is', null)
      .returning('id'),
  ),
  /*
   * What a code or refresh token used twice costs its grant, as the library does when it finds one consumed
   * (RFC 6749, 4.1.2): the grant, and every token and code issued under it, the first redemption's included.
   */
  revokeGrantOf: compiledOnce((db, k: Key) =>
    db
      .deleteFrom('oidc_payloads')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('model', 'in', ['AccessToken', 'RefreshToken', 'AuthorizationCode']),
            eb('grant_id', '=', eb.selectFrom('oidc_payloads as used').select('used.grant_id').where('used.model', '=', k.model).where('used.id', '=', k.value)),
          ]),
          eb.and([
            eb('model', '=', 'Grant'),
            eb('id', '=', eb.selectFrom('oidc_payloads as used').select('used.grant_id').where('used.model', '=', k.model).where('used.id', '=', k.value)),
          ]),
        ]),
      ),
  ),
  revokeByGrantId: compiledOnce((db, k: Key) => db.deleteFrom('oidc_payloads').where('model', '=', k.model).where('grant_id', '=', k.value)),
};

/**
 * Deletes rows that expired more than `graceSeconds` ago. Expired rows are already invisible to find();
 * the grace keeps them briefly for anyone reading the table while investigating a failed login. A grant is kept
 * at least as long as a sign-in's interaction lives after it expired: a grant ended by a report, a withdrawal or
 * a device replacement (src/oidc/grant-queries.ts) must stay ended while a browser may still come back to store it.
 */
export async function deleteExpiredPayloads(db: Kysely<Schema>, graceSeconds = 300): Promise<number> {
  const grantGrace = Math.max(graceSeconds, lifetimes.Interaction);
  const result = await db
    .deleteFrom('oidc_payloads')
    .where((eb) =>
      eb.or([
        eb.and([eb('model', '<>', 'Grant'), eb('expires_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`)]),
        eb.and([eb('model', '=', 'Grant'), eb('expires_at', '<', sql<Date>`now() - make_interval(secs => ${grantGrace})`)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
