import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type QueryCreator, type SqlBool } from 'kysely';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { compiledOnce } from '../db/compiled-once.ts';
import { reading, writing } from '../db/request-transaction.ts';
import type { Schema } from '../db/schema.ts';
import { countRequestToday } from '../enforcement/usage-queries.ts';
import { activeSystemAsJson } from '../agencies/queries.ts';
import { clientMetadata } from './client-metadata.ts';
import { forgetAll, recall, remember, rememberFirst } from './request-memo.ts';

/*
 * oidc-provider's storage: every artefact it keeps (interactions, codes, tokens, grants) is one row of
 * oidc_payloads, keyed by (model, id). This module is the only code that reads or writes that table, one
 * statement per call; the database itself deletes a citizen's grants and tokens when their device is replaced
 * (migration 0024). Inside a request whose writes form one transaction (a token response, see
 * src/db/request-transaction.ts), every statement here is that transaction's. Clients are not stored here:
 * they come from our own tables at every request's first lookup, so a system suspended by staff stops at once.
 * Within a request, what was read or written is remembered (src/oidc/request-memo.ts).
 */

/** Looks a client up in our own tables in every request; undefined for a system that may not act. */
export type ClientSource = (clientId: string) => Promise<AdapterPayload | undefined>;

/** The grant being stored was ended meanwhile (a sign-in reported as not the citizen's): it was not stored. */
export class GrantEndedError extends Error {
  constructor() {
    super('The grant was ended before it could be stored.');
  }
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

const live = sql<boolean>`(expires_at is null or expires_at > now())`;

/** A stored row's key; `value` is an id, a uid or a user code, depending on the lookup. */
interface Key {
  model: string;
  value: string;
}

interface StoredRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

interface Upsert {
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
const findWithRelations = compiledOnce((db, k: Key) =>
  db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at', 'grant_id', 'client_id'])
    .select((eb) => [
      eb
        .selectFrom('oidc_payloads as granted')
        .select('granted.payload')
        .where('granted.model', '=', 'Grant')
        .whereRef('granted.id', '=', 'oidc_payloads.grant_id')
        .where(sql<boolean>`(granted.expires_at is null or granted.expires_at > now())`)
        .as('grant_payload'),
      activeSystemAsJson(sql.ref('oidc_payloads.client_id')).as('client'),
    ])
    .where('model', '=', k.model)
    .where('id', '=', k.value)
    .where(live)
    .where(sql<boolean>`not ${storedBeforeItsSystemStopped}`)
    .limit(1),
);

const modelsReadWithRelations = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Interaction']);

/*
 * A grant that was ended (see withGrantEnded) stays ended: storing it again changes nothing, and the statement
 * returns no row, so the one storing it learns that it was not stored.
 */
const grantEnded = sql<boolean>`(oidc_payloads.model = 'Grant' and oidc_payloads.expires_at is not null and oidc_payloads.expires_at <= now())`;

const upsertOf = (db: QueryCreator<Schema>, u: Upsert) =>
  db
    .insertInto('oidc_payloads')
    .values({
      model: u.model,
      id: u.id,
      payload: sql`cast(${u.payload} as json)`,
      grant_id: u.grantId,
      client_id: u.clientId,
      account_id: u.accountId,
      uid: u.uid,
      user_code: u.userCode,
      expires_at: sql`now() + make_interval(secs => cast(${u.expiresIn} as double precision))`,
    })
    .onConflict((oc) =>
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

const statements = {
  findById: findBy('id'),
  findByUid: findBy('uid'),
  findByUserCode: findBy('user_code'),
  upsert: compiledOnce((db, u: Upsert) => upsertOf(db, u).returning('id')),
  /*
   * An interaction is stored when the provider starts a sign-in, and again as the sign-in goes on. Its first
   * storing counts one authorization request of its system today (the daily quota, src/enforcement), in this
   * same statement. Every part of one statement reads the table as it was before it, so `earlier` does not see
   * what `stored` writes: only the first storing counts.
   */
  upsertInteraction: compiledOnce((db, u: Upsert) =>
    db
      .with('stored', (qb) => upsertOf(qb, u))
      .with('earlier', (qb) => qb.selectFrom('oidc_payloads').select('id').where('model', '=', u.model).where('id', '=', u.id))
      .with('counted', () => countRequestToday(u.clientId, sql<boolean>`not exists (select 1 from earlier)`))
      .selectNoFrom(sql<number>`1`.as('stored')),
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
 * Ids, codes and tokens come from requests. PostgreSQL text cannot hold a NUL character, and nothing stored
 * has one, so a key with one is simply not found instead of failing the query.
 */
const storable = (key: string) => !key.includes('\0');

/*
 * The provider's browser sessions are never used again: every sign-in is approved afresh on the device, tokens
 * do not end with the session, and there is no logout endpoint. Storing them would only cost a write per
 * sign-in and keep a trace of the citizen's browser that nothing reads.
 */
const unstoredModels = new Set(['Session']);

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * The grant, the client and the citizen a payload names, stored in columns of their own: revokeByGrantId finds
 * tokens and codes by their grant, and a device's replacement its citizen's (migration 0024), without parsing
 * payloads, which hold whatever a client sent (a NUL character included, which PostgreSQL's JSON operators
 * refuse). An interaction names its client in its parameters.
 */
function relationsOf(payload: AdapterPayload): Pick<Upsert, 'grantId' | 'clientId' | 'accountId'> {
  const { params } = payload as { params?: { client_id?: unknown } };
  return { grantId: text(payload.grantId), clientId: text(payload.clientId) ?? text(params?.client_id), accountId: text(payload.accountId) };
}

const fromRow = (row: StoredRow): AdapterPayload => ({
  ...row.payload,
  ...(row.consumed_at ? { consumed: epochSeconds(row.consumed_at) } : {}),
});

/*
 * A code or token is a bearer credential: whoever reads the table must not be able to use what is in it. Such a
 * row is stored under the SHA-256 of its value (base64url), and its payload without the jti (the value again);
 * a find is by the value the client sent, hashed the same way, and gives the jti back. Grants and interactions
 * are not credentials and keep their ids.
 */
const credentialModels = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode']);

/** The id a row of `model` is stored under: the hash of a credential, any other id as it is. */
export function storedIdOf(model: string, id: string): string {
  return credentialModels.has(model) ? createHash('sha256').update(id).digest('base64url') : id;
}

/** The memo's key of a stored row. */
const memoKey = (model: string, id: string) => `${model}:${id}`;

/*
 * A payload is remembered as JSON text and read back as a new object each time, as a statement would give it:
 * the library changes the objects it is given.
 */
const rememberPayload = (key: string, payload: AdapterPayload | null) => remember(key, payload && JSON.stringify(payload));
function recallPayload(key: string): { found: true; value: AdapterPayload | null } | { found: false } {
  const known = recall<string>(key);
  return known.found ? { found: true, value: known.value === null ? null : (JSON.parse(known.value) as AdapterPayload) } : known;
}
/** The memo's key of a client lookup. */
const clientMemoKey = (clientId: string) => memoKey('Client', clientId);

/** oidc-provider's adapter class over oidc_payloads; clients come from `findClient`. */
export function createAdapterClass(db: Kysely<Schema>, findClient: ClientSource) {
  return class PayloadAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (unstoredModels.has(this.model)) return;
      const statement = this.model === 'Interaction' ? statements.upsertInteraction : statements.upsert;
      const json = JSON.stringify(payload);
      const { jti: _value, ...kept } = payload;
      const stored = await statement.first(await writing(db), {
        model: this.model,
        id: storedIdOf(this.model, id),
        payload: credentialModels.has(this.model) ? JSON.stringify(kept) : json,
        ...relationsOf(payload),
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresIn: expiresIn ?? null,
      });
      if (!stored) throw new GrantEndedError();
      this.#rememberStored(id, json, expiresIn);
    }

    /**
     * What a find in this request will now give: the payload as stored (a copy), still consumed if the request
     * knew it was (storing again keeps the mark); an interaction this request has resumed stays gone.
     */
    #rememberStored(id: string, json: string, expiresIn: number | undefined) {
      const key = memoKey(this.model, id);
      const known = recallPayload(key);
      if (expiresIn !== undefined && expiresIn <= 0) return remember(key, null);
      if (known.found && known.value === null && this.model === 'Interaction') return;
      const consumed = known.found ? known.value?.consumed : undefined;
      remember(key, consumed === undefined ? json : JSON.stringify({ ...(JSON.parse(json) as AdapterPayload), consumed }));
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!storable(id)) return undefined;
      if (this.model === 'Client') return this.#findClient(id);
      return this.#findBy(statements.findById, id);
    }

    /** A client, from the request's memo or from our own tables (then remembered, absent too). */
    async #findClient(clientId: string): Promise<AdapterPayload | undefined> {
      const known = recall<AdapterPayload>(clientMemoKey(clientId));
      if (known.found) return known.value ?? undefined;
      const metadata = await findClient(clientId);
      remember(clientMemoKey(clientId), metadata ?? null);
      return metadata;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.#findBy(statements.findByUid, uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.#findBy(statements.findByUserCode, userCode);
    }

    async #findBy(statement: typeof statements.findById, value: string): Promise<AdapterPayload | undefined> {
      if (!storable(value) || unstoredModels.has(this.model)) return undefined;
      const byId = statement === statements.findById;
      if (byId) {
        const known = recallPayload(memoKey(this.model, value));
        if (known.found) return known.value ?? undefined;
      }
      const withRelations = byId && modelsReadWithRelations.has(this.model);
      const reader = await reading(db);
      const key = { model: this.model, value: byId ? storedIdOf(this.model, value) : value };
      const row = withRelations ? await findWithRelations.first(reader, key) : ((await statement.first(reader, key)) as StoredRow | undefined);
      if (row && 'client' in row) rememberRelations(row);
      // An interaction the provider has resumed once is gone (see destroy).
      const found = !row || (this.model === 'Interaction' && row.consumed_at) ? undefined : fromRow(row);
      if (found && byId && credentialModels.has(this.model)) found.jti = value;
      if (byId) rememberPayload(memoKey(this.model, value), found ?? null);
      return found;
    }

    /**
     * The library checks `consumed` on find and then consumes; two requests redeeming one code at the same
     * moment would both pass that check. Only the request whose statement marks the row wins; the other does
     * what the library does on a reuse it sees, revoking the grant, and fails with invalid_grant before it issues
     * anything. Tokens the winner stores after that revocation name a grant that is gone, and every endpoint
     * that takes a token refuses it for that.
     */
    async consume(id: string): Promise<void> {
      const key = { model: this.model, value: storedIdOf(this.model, id) };
      const writer = await writing(db);
      if (await statements.consume.first(writer, key)) {
        const known = recallPayload(memoKey(this.model, id));
        if (known.found && known.value) rememberPayload(memoKey(this.model, id), { ...known.value, consumed: epochSeconds(new Date()) });
        return;
      }
      forgetAll();
      await statements.revokeGrantOf.all(writer, key);
      throw new errors.InvalidGrant(`${this.model} already consumed`);
    }

    /**
     * An interaction is destroyed when the provider resumes it. Several reloads of the login page may resume it at
     * once, and a late one may even store it again; so it is marked used instead of deleted, only the first
     * resume passes, and the upsert that stores it again keeps the mark. Expired rows go with the clean-up.
     */
    async destroy(id: string): Promise<void> {
      const key = { model: this.model, value: storedIdOf(this.model, id) };
      const writer = await writing(db);
      remember(memoKey(this.model, id), null);
      if (this.model !== 'Interaction') {
        await statements.destroy.all(writer, key);
      } else if (!(await statements.consume.first(writer, key))) {
        throw new errors.SessionNotFound('the sign-in was already resumed');
      }
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      forgetAll();
      await statements.revokeByGrantId.all(await writing(db), { model: this.model, value: grantId });
    }
  };
}

/** The grant and the client read with a token (findWithRelations), for the rest of the request. */
function rememberRelations(row: { grant_id: string | null; client_id: string | null; grant_payload: unknown; client: Parameters<typeof clientMetadata>[0] | null }) {
  if (row.grant_id) rememberFirst(memoKey('Grant', row.grant_id), row.grant_payload ? JSON.stringify(row.grant_payload) : null);
  if (row.client_id) rememberFirst(clientMemoKey(row.client_id), row.client && clientMetadata(row.client));
}

/**
 * Ends a grant with every code and token issued under it, as two CTEs added to another statement (a sign-in
 * reported after its approval, src/login/device-steps.ts), and only `when` that statement's own change happened.
 * The grant is not deleted but stored as ended, so that it cannot be stored again (see grantEnded): the browser
 * that carries the approval on may be storing it at this very moment. Storing a row whose key another
 * transaction is inserting waits for that transaction, so either this statement ends the grant that was just
 * stored, or the later storing finds it ended. A code stored under an ended grant redeems nothing.
 */
export function withGrantEnded<DB extends Schema>(qb: QueryCreator<DB>, grantId: string, when: Expression<SqlBool>): QueryCreator<DB> {
  return (qb as unknown as QueryCreator<Schema>)
    .with('end_grant_issued', (q) =>
      q.deleteFrom('oidc_payloads').where('model', 'in', [...credentialModels]).where('grant_id', '=', grantId).where(when),
    )
    .with('end_grant', (q) => storeAsEnded(q, sql<string[]>`array[${grantId}]`, when)) as unknown as QueryCreator<DB>;
}

/** Stores each of `grantIds` as an ended grant, `when` it holds: a grant stored already ends, one not yet never starts. */
const storeAsEnded = <DB extends Schema>(q: QueryCreator<DB>, grantIds: Expression<string[]>, when: Expression<SqlBool>) =>
  (q as unknown as QueryCreator<Schema>)
    .insertInto('oidc_payloads')
    .columns(['model', 'id', 'payload', 'expires_at'])
    .expression(sql`select 'Grant', ended.id, cast('{}' as json), now() from unnest(cast(${grantIds} as text[])) as ended(id) where ${when}`)
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ expires_at: sql`now()` }));

/**
 * Ends the grants of sign-ins the citizen approved whose browsers may not have stored them yet (see
 * withGrantEnded): stored or not, none of them will give a code.
 */
export async function endGrantsNotYetStored(db: Kysely<Schema>, grantIds: string[]): Promise<void> {
  if (grantIds.length > 0) await storeAsEnded(db, sql<string[]>`${grantIds}`, sql<boolean>`true`).execute();
}

/** A citizen's grant to a system, as their phone lists what they have consented to. */
export interface AccountGrant {
  grantId: string;
  clientId: string;
  /** The scopes the citizen approved, openid included. */
  scopes: string[];
  /** When the grant was stored, by the database's clock. */
  grantedAt: Date;
}

/*
 * A grant's scopes are read from its payload here, not with PostgreSQL's JSON operators: a grant holds only what
 * the citizen approved, but the column is parsed the same way whatever the row (see relationsOf).
 */
const grantedScopes = (payload: unknown): string[] => {
  const scope = (payload as { openid?: { scope?: unknown } } | null)?.openid?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
};

/** Every grant of a citizen that has not expired, oldest first (one per approved sign-in). */
export async function grantsOfAccount(db: Kysely<Schema>, accountId: string): Promise<AccountGrant[]> {
  const rows = await db
    .selectFrom('oidc_payloads')
    .select(['id', 'client_id', 'payload', 'created_at'])
    .where('model', '=', 'Grant')
    .where('account_id', '=', accountId)
    .where('client_id', 'is not', null)
    .where(live)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({ grantId: row.id, clientId: row.client_id!, scopes: grantedScopes(row.payload), grantedAt: row.created_at }));
}

/** A grant withdrawal ended: `live` says whether it had not expired yet. */
export interface EndedGrant {
  grantId: string;
  scopes: string[];
  live: boolean;
}

/**
 * Ends every grant of a citizen to one system, expired ones too, with every code and token issued under them or
 * to that citizen for that system, in one statement: the citizen withdraws their consent. Pass the transaction
 * that records the withdrawal, so both are kept or lost together.
 */
export async function endGrantsOfAccountTo(db: Kysely<Schema>, accountId: string, clientId: string): Promise<EndedGrant[]> {
  const rows = await db
    .with('ended', (qb) =>
      qb
        .deleteFrom('oidc_payloads')
        .where('model', '=', 'Grant')
        .where('account_id', '=', accountId)
        .where('client_id', '=', clientId)
        .returning(['id', 'payload', live.as('live')]),
    )
    .with('issued', (qb) =>
      qb
        .deleteFrom('oidc_payloads')
        .where('model', 'in', [...credentialModels])
        .where((eb) =>
          eb.or([
            eb('grant_id', 'in', eb.selectFrom('ended').select('ended.id')),
            eb.and([eb('account_id', '=', accountId), eb('client_id', '=', clientId)]),
          ]),
        )
        .returning('id'),
    )
    .selectFrom('ended')
    .select(['id', 'payload', 'live'])
    .execute();
  return rows.map((row) => ({ grantId: row.id, scopes: grantedScopes(row.payload), live: row.live }));
}

/**
 * Deletes rows that expired more than `graceSeconds` ago. Expired rows are already invisible to find();
 * the grace keeps them briefly for anyone reading the table while investigating a failed login.
 */
export async function deleteExpiredPayloads(db: Kysely<Schema>, graceSeconds = 300): Promise<number> {
  const result = await db
    .deleteFrom('oidc_payloads')
    .where('expires_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
