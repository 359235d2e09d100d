import { sql, type Kysely } from 'kysely';
import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { RunStatement } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { clientColumns, clientMetadata, type ClientFields } from './client-metadata.ts';
import { heldWrites, requestUnderWay, type StorageWrite, type WriteStorage } from './held-writes.ts';
import { codeRedeemedBy, ReadAhead, type CurrentRequest } from './read-ahead.ts';

/** Where the storage finds the request a call belongs to. */
export interface RequestScope {
  /** The HTTP request under way, our routes' part and the provider's alike. */
  request: CurrentRequest;
  /** The provider's context for the request, while the provider handles it. */
  providerContext: CurrentRequest;
}

const requestScope: RequestScope = { request: requestUnderWay, providerContext: () => Provider.ctx };

/** Looks clients up in our own tables in every request, so a suspended system stops at once. */
export type ClientSource = (clientId: string) => Promise<AdapterPayload | undefined>;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

const notExpired = '(expires_at is null or expires_at > now())';
const clientFields = `json_build_object(${clientColumns.map((column) => `'${column}', c.${column}`).join(', ')})`;

/*
 * The grant a payload names (its grant_id column), if it has not expired: selected as live_grant_*. A lateral
 * subquery with a limit, so that the grant is always looked up by its key: as a plain join, a plan made while
 * the table was small scanned every grant.
 */
const grantOfPayload = `left join lateral (
      select g.id, g.payload from oidc_payloads g
      where g.model = 'Grant' and g.id = p.grant_id
        and (g.expires_at is null or g.expires_at > now())
      limit 1
    ) g on true`;

/** A payload with its grant and, if asked, its client (only while its system may act). */
function findWithRelations(include: { client: boolean }): string {
  return `select p.payload, p.consumed_at, g.id as live_grant_id, g.payload as live_grant_payload,
      ${include.client ? `case when c.client_id is null then null else ${clientFields} end` : 'null'} as client
    from oidc_payloads p
    ${grantOfPayload}
    ${include.client ? 'left join active_systems c on c.client_id = p.client_id' : ''}
    where p.model = $1 and p.id = $2 and (p.expires_at is null or p.expires_at > now())`;
}

/** An active system's client ($1) with the authorization code ($2) its token request redeems, and the code's grant. */
const findClientWithCode = `select ${clientFields} as client, p.payload, p.consumed_at, g.id as live_grant_id, g.payload as live_grant_payload
    from active_systems c
    left join lateral (
      select p.payload, p.consumed_at, p.grant_id from oidc_payloads p
      where p.model = 'AuthorizationCode' and p.id = $2 and (p.expires_at is null or p.expires_at > now())
    ) p on true
    ${grantOfPayload}
    where c.client_id = $1`;

/*
 * The provider reads and writes this table several times per request, so its statements are written out once
 * as SQL and run straight on the driver: building and passing a query through kysely costs more CPU than
 * PostgreSQL spends running it.
 */
const statements = {
  findById: `select payload, consumed_at from oidc_payloads where model = $1 and id = $2 and ${notExpired}`,
  findByUid: `select payload, consumed_at from oidc_payloads where model = $1 and uid = $2 and ${notExpired}`,
  findByUserCode: `select payload, consumed_at from oidc_payloads where model = $1 and user_code = $2 and ${notExpired}`,
  findWithGrant: findWithRelations({ client: false }),
  findWithGrantAndClient: findWithRelations({ client: true }),
  findClientWithCode,
  revokeByGrantId: 'delete from oidc_payloads where model = $1 and grant_id = $2',
  /*
   * What a code or refresh token used twice costs its grant, as the library does when it finds one consumed
   * (RFC 6749, 4.1.2): the grant, and every token and code issued under it, the first redemption's included.
   */
  revokeGrantOf: `delete from oidc_payloads p using (select grant_id from oidc_payloads where model = $1 and id = $2) g
    where (p.model in ('AccessToken', 'RefreshToken', 'AuthorizationCode') and p.grant_id = g.grant_id)
      or (p.model = 'Grant' and p.id = g.grant_id)`,
};

const upsertColumns = 'insert into oidc_payloads (model, id, payload, grant_id, client_id, uid, user_code, expires_at, consumed_at)';
const upsertConflict = `on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
  client_id = excluded.client_id, uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`;

type Upsert = StorageWrite & { kind: 'upsert' };

/** How many writes of each kind a statement makes; its text depends on nothing else. */
interface WriteShape {
  consumes: number;
  removals: number;
  upserts: number;
}

/**
 * One statement for a shape of writes, none of them to the same row: the removals in a data-modifying CTE, the
 * upserts as rows of one insert. Plain parameters, as arrays of JSON cost PostgreSQL more to parse than a second
 * statement costs. With consumptions (a code redeemed, a refresh token rotated), every other write is made only
 * if each of them marked its row, and the statement says whether they did: the tokens of a redemption that lost
 * a race are never stored.
 */
function writeManyStatement({ consumes, removals, upserts }: WriteShape): string {
  let next = 1;
  const keys = (count: number) => Array.from({ length: count }, () => `($${next++}, $${next++})`).join(', ');
  const consumed = keys(consumes);
  const removed = keys(removals);
  // Expiry by the database's clock, the same clock find() compares with.
  const expiry = (seconds: string) => `now() + make_interval(secs => ${seconds})`;
  if (consumes === 0) {
    const rows = Array.from(
      { length: upserts },
      () => `($${next++}, $${next++}, $${next++}, $${next++}, $${next++}, $${next++}, $${next++}, ${expiry(`$${next++}`)}, null)`,
    ).join(', ');
    const removal = `delete from oidc_payloads where (model, id) in (${removed})`;
    if (upserts === 0) return removal;
    const upsert = `${upsertColumns} values ${rows} ${upsertConflict}`;
    return removals === 0 ? upsert : `with removed as (${removal}) ${upsert}`;
  }
  // Inside a select, the values are no longer typed by the insert's columns, hence the casts.
  const rows = Array.from(
    { length: upserts },
    () => `($${next++}, $${next++}, cast($${next++} as json), $${next++}, $${next++}, $${next++}, $${next++}, cast($${next++} as double precision))`,
  ).join(', ');
  const parts = [
    `consumed as (update oidc_payloads set consumed_at = now() where (model, id) in (${consumed}) and consumed_at is null returning 1)`,
    `allowed as (select count(*) = ${consumes} as ok from consumed)`,
  ];
  if (removals > 0) parts.push(`removed as (delete from oidc_payloads where (model, id) in (${removed}) and (select ok from allowed))`);
  if (upserts > 0) {
    parts.push(`stored as (${upsertColumns}
      select model, id, payload, grant_id, client_id, uid, user_code, ${expiry('expires_in')}, null from (values ${rows})
        as v (model, id, payload, grant_id, client_id, uid, user_code, expires_in)
      where (select ok from allowed)
      ${upsertConflict})`);
  }
  return `with ${parts.join(', ')} select ok from allowed`;
}

/** Makes storage writes in one statement (see writeManyStatement). */
function storageWriter(run: RunStatement): WriteStorage {
  const statementFor = new Map<string, string>();
  return async (writes) => {
    const consumes = writes.filter((write) => write.kind === 'consume');
    const removals = writes.filter((write) => write.kind === 'destroy');
    const upserts = writes.filter((write): write is Upsert => write.kind === 'upsert');
    const shape = { consumes: consumes.length, removals: removals.length, upserts: upserts.length };
    const key = `${shape.consumes}:${shape.removals}:${shape.upserts}`;
    let statement = statementFor.get(key);
    if (!statement) statementFor.set(key, (statement = writeManyStatement(shape)));
    const { rows } = await run<{ ok: boolean }>(statement, [
      ...[...consumes, ...removals].flatMap((write) => [write.model, write.id]),
      ...upserts.flatMap((write) => [write.model, write.id, write.payload, write.grantId, write.clientId, write.uid, write.userCode, write.expiresIn]),
    ]);
    // Another request consumed it first: both passed the library's check of `consumed` on find, so this one
    // does what the library does on a reuse it sees. A statement of its own, to see the other's tokens.
    // (A request holds one consumption per statement, as each starts its own; any number is handled alike.)
    if (consumes.length > 0 && rows[0]?.ok !== true) {
      for (const consumed of consumes) await run(statements.revokeGrantOf, [consumed.model, consumed.id]);
      throw new errors.InvalidGrant(`${consumes[0]!.model} already consumed`);
    }
  };
}

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

/**
 * What the provider looks up right after finding a model's payload: always its grant, and its client where the
 * request has not already authenticated the client (userinfo with an access token, and the authorization
 * endpoint resuming an interaction; the token, introspection and revocation endpoints read the client first).
 */
const readAheadOf = new Map<string, string>([
  ['AccessToken', statements.findWithGrantAndClient],
  ['Interaction', statements.findWithGrantAndClient],
  ['AuthorizationCode', statements.findWithGrant],
  ['RefreshToken', statements.findWithGrant],
]);

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The grant and the client a payload names, stored in columns of their own: reads join them without parsing the
 * payload, which holds whatever a client sent, a NUL character included, that PostgreSQL's JSON operators refuse.
 * Tokens and codes name them as grantId and clientId; an interaction names its client in its parameters, and once
 * answered, the grant its result made. revokeByGrantId relies on the grant of tokens and codes.
 */
function relationsOf(payload: AdapterPayload): Pick<StorageWrite & { kind: 'upsert' }, 'grantId' | 'clientId'> {
  const { result, params } = payload as { result?: { consent?: { grantId?: unknown } }; params?: { client_id?: unknown } };
  return {
    grantId: text(result?.consent?.grantId) ?? text(payload.grantId) ?? null,
    clientId: text(payload.clientId) ?? text(params?.client_id) ?? null,
  };
}

interface PayloadRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

const fromRow = (row: PayloadRow): AdapterPayload => ({
  ...row.payload,
  ...(row.consumed_at ? { consumed: epochSeconds(row.consumed_at) } : {}),
});

/**
 * oidc-provider's storage for every model, in one table keyed by (model, id). `scope` names the
 * request a call belongs to, for what is read ahead within it. Within a request that holds its
 * writes (holdStorageWrites), upserts, removals and consumptions wait for the request's next read of the table
 * or its end.
 */
export function createAdapterClass(run: RunStatement, findClient: ClientSource, scope: RequestScope = requestScope) {
  const readAhead = new ReadAhead(scope.request);
  const writeStorage = storageWriter(run);
  const write = async (change: StorageWrite) => {
    if (!heldWrites()?.hold(change, writeStorage)) await writeStorage([change]);
  };
  /** Runs a statement that reads or changes the table after the writes held so far. */
  const runAfterHeldWrites: RunStatement = async (statement, parameters) => {
    await heldWrites()?.flush();
    return run(statement, parameters);
  };
  return class KyselyAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (unstoredModels.has(this.model)) return;
      readAhead.forget(this.model, id);
      await write({
        kind: 'upsert',
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        ...relationsOf(payload),
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresIn: expiresIn ?? null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!storable(id)) return undefined;
      if (this.model === 'Client') return readAhead.take(this.model, id) ?? this.#findClient(id);
      const kept = readAhead.take(this.model, id);
      if (kept) return kept;
      const withRelations = readAheadOf.get(this.model);
      const payload = withRelations && readAhead.active ? await this.#findWithRelations(withRelations, id) : await this.#findBy(statements.findById, id);
      // The login page reads an answered interaction and hands the request to the provider, which resumes it
      // and reads it again. An answer is final, so the copy stays true until the request itself destroys it.
      if (this.model === 'Interaction' && payload?.result) readAhead.keep(this.model, id, payload);
      return payload;
    }

    /**
     * The token endpoint authenticates the client before it looks up the code being redeemed; the code and its
     * grant come in the client's statement and are kept for that lookup.
     */
    async #findClient(id: string): Promise<AdapterPayload | undefined> {
      const code = codeRedeemedBy(scope.providerContext());
      if (code === undefined || !storable(code)) return findClient(id);
      type Row = Partial<PayloadRow> & { client: ClientFields; live_grant_id: string | null; live_grant_payload: AdapterPayload | null };
      const { rows } = await runAfterHeldWrites<Row>(statements.findClientWithCode, [id, code]);
      const row = rows[0];
      if (!row) return undefined;
      if (row.payload) readAhead.keep('AuthorizationCode', code, fromRow({ payload: row.payload, consumed_at: row.consumed_at ?? null }));
      if (row.live_grant_id && row.live_grant_payload) readAhead.keep('Grant', row.live_grant_id, row.live_grant_payload);
      return clientMetadata(row.client);
    }

    async #findWithRelations(statement: string, id: string): Promise<AdapterPayload | undefined> {
      const { rows } = await runAfterHeldWrites<PayloadRow & { live_grant_id: string | null; live_grant_payload: AdapterPayload | null; client: ClientFields | null }>(
        statement,
        [this.model, id],
      );
      const row = rows[0];
      if (!row) return undefined;
      const payload = fromRow(row);
      if (row.live_grant_id && row.live_grant_payload) readAhead.keep('Grant', row.live_grant_id, row.live_grant_payload);
      if (row.client) readAhead.keep('Client', row.client.client_id, clientMetadata(row.client));
      return payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.#findBy(statements.findByUid, uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.#findBy(statements.findByUserCode, userCode);
    }

    async #findBy(statement: string, value: string): Promise<AdapterPayload | undefined> {
      if (!storable(value) || unstoredModels.has(this.model)) return undefined;
      const { rows } = await runAfterHeldWrites<PayloadRow>(statement, [this.model, value]);
      const row = rows[0];
      return row && fromRow(row);
    }

    /**
     * The library checks `consumed` on find and then consumes; two requests redeeming one code at the same
     * moment would both pass that check. Only the request whose statement marks the row wins; the other fails
     * with invalid_grant, and the writes it held with the consumption (its tokens) are not made.
     */
    async consume(id: string): Promise<void> {
      readAhead.forget(this.model, id);
      await write({ kind: 'consume', model: this.model, id });
    }

    async destroy(id: string): Promise<void> {
      readAhead.forget(this.model, id);
      await write({ kind: 'destroy', model: this.model, id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      readAhead.forget(this.model);
      await runAfterHeldWrites(statements.revokeByGrantId, [this.model, grantId]);
    }
  };
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
