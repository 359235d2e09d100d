import type { Kysely } from 'kysely';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { reading, writing } from '../db/request-transaction.ts';
import type { Schema } from '../db/schema.ts';
import { quotaUsedUpDescription } from '../enforcement/daily-quota.ts';
import { clientMetadata } from './client-metadata.ts';
import { credentialModels, findWithRelations, modelsReadWithRelations, statements, storedIdOf, type StoredRow, type Upsert } from './payload-statements.ts';
import { forgetAll, recall, remember, rememberFirst } from './request-memo.ts';

/*
 * oidc-provider's storage: every artefact it keeps (interactions, codes, tokens, grants) is one row of
 * oidc_payloads, keyed by (model, id), and each call here is one statement (src/oidc/payload-statements.ts);
 * with src/oidc/grant-queries.ts, these are the only modules that read or write that table. The database itself
 * deletes a citizen's grants and tokens when their device is replaced (migration 0024). Inside a request whose
 * writes form one transaction (a token response, see src/db/request-transaction.ts), every statement here is
 * that transaction's. Clients are not stored here: they come from our own tables at every request's first
 * lookup, so a system suspended by staff stops at once. Within a request, what was read or written is
 * remembered (src/oidc/request-memo.ts).
 */

/** Looks a client up in our own tables in every request; undefined for a system that may not act. */
export type ClientSource = (clientId: string) => Promise<AdapterPayload | undefined>;

/** The grant being stored was ended meanwhile (by a report, a consent withdrawal or a device replacement): it was not stored. */
export class GrantEndedError extends Error {
  constructor() {
    super('The grant was ended before it could be stored.');
  }
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

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
      const written = await statement.first(await writing(db), {
        model: this.model,
        id: storedIdOf(this.model, id),
        payload: credentialModels.has(this.model) ? JSON.stringify(kept) : json,
        ...relationsOf(payload),
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresIn: expiresIn ?? null,
      });
      if (!written) throw new GrantEndedError();
      // A new interaction the daily quota had no room for is not stored: the authorization request is refused.
      // Only the authorization endpoint stores new interactions; a resume stores the one it resumes again,
      // which is always admitted, so a sign-in started within the quota finishes.
      if ('admitted' in written && !written.admitted) throw new errors.TemporarilyUnavailable(quotaUsedUpDescription(written.daily_quota));
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
