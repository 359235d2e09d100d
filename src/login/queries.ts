import { sql, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { LoginStatus, LoginTransactionsTable, Schema } from '../db/schema.ts';
import type { BrowserContext } from './browser-context.ts';
import { lifetimes } from '../oidc/lifetimes.ts';
import { loginTransitions, transitionFor, type Actor } from './state-machine.ts';

/*
 * The login transaction's own statements: opening one, reading it, and the transitions the browser and the clock
 * make. The device's steps, each one statement with its signed request and its hooks, are in device-steps.ts and
 * report-step.ts.
 */
export type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * Every column of a transaction (`t`), with an open one past its time read as expired, so no timer has to run
 * first; and who asks (`rp`, from active_systems): null fields once the system or its agency may not act.
 */
export const loginColumns = [
  't.id',
  't.interaction_uid',
  't.client_id',
  't.scopes',
  't.short_code',
  sql<LoginStatus>`case when t.status in ('pending', 'scanned') and t.expires_at <= now() then 'expired' else t.status end`.as('status'),
  't.device_id',
  't.pid',
  't.created_at',
  't.expires_at',
  // By the database's clock, which decides expiry: what the login page counts down from.
  sql<number>`greatest(0, date_part('epoch', t.expires_at - now()))`.as('seconds_left'),
  't.scanned_at',
  't.decided_at',
  't.browser',
  't.match_number',
  't.number_choices',
  'rp.agency_id',
  'rp.agency_name_th',
  'rp.agency_name_en',
  'rp.name as system_name',
  'rp.purpose',
] as const;

function selectLogins(db: QueryCreator<Schema>) {
  return db.selectFrom('login_transactions as t').leftJoin('active_systems as rp', 'rp.client_id', 't.client_id').select(loginColumns);
}

/** A login transaction as the browser, the device and the flow read it. */
export type LoginTransaction = NonNullable<Awaited<ReturnType<ReturnType<typeof selectLogins>['executeTakeFirst']>>>;

/** What a new transaction is for: an interaction, its client and the scopes it asked for. */
export interface LoginRequest {
  interactionUid: string;
  /** Epoch seconds: the transaction never outlives the interaction. */
  interactionExpiresAt: number;
  clientId: string;
  scopes: string[];
  browser: BrowserContext;
}

/** A login request with what opening a transaction for it draws: its id, its short code, its number, its time. */
export type NewLoginTransaction = LoginRequest & { id: string; shortCode: string; matchNumber: number; numberChoices: number[]; ttlSeconds: number };

// The database's clock decides expiry everywhere, so the server's clock cannot disagree with it.
const expiryOf = (t: Pick<NewLoginTransaction, 'ttlSeconds' | 'interactionExpiresAt'>) => sql<Date>`least(now() + make_interval(secs => ${t.ttlSeconds}), to_timestamp(${t.interactionExpiresAt}))`;

/** A new transaction as its insert takes it: the browser as JSON text, a value a prepared statement can carry. */
type Insertable = NewLoginTransaction & { browserJson: string };
const insertable = (t: NewLoginTransaction): Insertable => ({ ...t, browserJson: JSON.stringify(t.browser) });
const browserOf = (t: Insertable) => sql<LoginTransactionsTable['browser']>`cast(${t.browserJson} as jsonb)`;

// The open-transaction index's own predicate, spelled with constants: a prepared statement's generic plan cannot
// match a partial index to a predicate with parameters.
const openPerInteraction = sql<boolean>`status in ('pending', 'scanned')`;

/**
 * Inserts a transaction unless its interaction already has an open one (a unique index decides, so pages
 * loading at once cannot open two). Returns undefined when one was already open.
 */
export async function insertLoginTransaction(db: Db, opened: NewLoginTransaction): Promise<LoginTransaction | undefined> {
  const t = insertable(opened);
  return db
    .with('opened', (qb) =>
      qb
        .insertInto('login_transactions')
        .values({
          id: t.id,
          interaction_uid: t.interactionUid,
          client_id: t.clientId,
          scopes: t.scopes,
          short_code: t.shortCode,
          expires_at: expiryOf(t),
          browser: browserOf(t),
          match_number: t.matchNumber,
          number_choices: t.numberChoices,
        })
        .onConflict((oc) => oc.column('interaction_uid').where(openPerInteraction).doNothing())
        .returningAll(),
    )
    .selectFrom('opened as t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns)
    .executeTakeFirst();
}

/**
 * The interaction's latest transaction, or `t` inserted when the interaction has none at all: what the login
 * page shows, in one statement. Returns undefined only when another request opened one at the same moment.
 */
export async function latestOrInserted(db: Db, t: NewLoginTransaction): Promise<LoginTransaction | undefined> {
  return latestOrInsertedQuery.first(db, insertable(t));
}

const latestOrInsertedQuery = compiledOnce((db, t: Insertable) =>
  db
    .with('latest', (qb) =>
      qb.selectFrom('login_transactions').selectAll().where('interaction_uid', '=', t.interactionUid).orderBy('created_at', 'desc').orderBy('id').limit(1),
    )
    .with('opened', (qb) =>
      qb
        .insertInto('login_transactions')
        .columns(['id', 'interaction_uid', 'client_id', 'scopes', 'short_code', 'expires_at', 'browser', 'match_number', 'number_choices'])
        .expression(
          qb
            .selectNoFrom((eb) => [
              eb.val(t.id).as('id'),
              eb.val(t.interactionUid).as('interaction_uid'),
              eb.val(t.clientId).as('client_id'),
              sql<string[]>`cast(${t.scopes} as text[])`.as('scopes'),
              eb.val(t.shortCode).as('short_code'),
              expiryOf(t).as('expires_at'),
              browserOf(t).as('browser'),
              sql<number>`cast(${t.matchNumber} as smallint)`.as('match_number'),
              sql<number[]>`cast(${t.numberChoices} as smallint[])`.as('number_choices'),
            ])
            .where((eb) => eb.not(eb.exists(eb.selectFrom('latest').select('latest.id')))),
        )
        .onConflict((oc) => oc.column('interaction_uid').where(openPerInteraction).doNothing())
        .returningAll(),
    )
    .with('t', (qb) => qb.selectFrom('latest').selectAll().unionAll(qb.selectFrom('opened').selectAll()))
    .selectFrom('t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns),
);

/**
 * Marks open transactions past their time as expired (the clock's transition): the periodic clean-up, and before
 * a new QR code is opened for an interaction. Reads already see them as expired.
 */
export async function expireOverdue(db: Db, interactionUid?: string): Promise<number> {
  const { from, to } = loginTransitions.expire;
  let query = db
    .updateTable('login_transactions')
    .set({ status: to, decided_at: sql`now()` })
    .where('status', 'in', from)
    .where('expires_at', '<=', sql<Date>`now()`);
  if (interactionUid) query = query.where('interaction_uid', '=', interactionUid);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

export async function latestForInteraction(db: Db, interactionUid: string): Promise<LoginTransaction | undefined> {
  return latestForInteractionQuery.first(db, { interactionUid });
}

const latestForInteractionQuery = compiledOnce((db, p: { interactionUid: string }) =>
  selectLogins(db).where('t.interaction_uid', '=', p.interactionUid).orderBy('t.created_at', 'desc').orderBy('t.id').limit(1),
);

export async function findLoginTransaction(db: Db, ref: { id: string } | { shortCode: string }): Promise<LoginTransaction | undefined> {
  const query = selectLogins(db);
  return ('id' in ref ? query.where('t.id', '=', ref.id) : query.where('t.short_code', '=', ref.shortCode).orderBy('t.created_at', 'desc').limit(1)).executeTakeFirst();
}

/**
 * Moves a transaction from one status to the next, by `by`, only if the move is listed (state-machine.ts) and the
 * transaction is still where the caller saw it. An open transaction past its time moves nowhere but to expired.
 */
export async function transition(db: Db, id: string, from: LoginStatus, to: LoginStatus, by: Actor): Promise<LoginTransaction | undefined> {
  transitionFor(from, to, by);
  return db
    .with('moved', (qb) => {
      let query = qb
        .updateTable('login_transactions')
        .set({ status: to, decided_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', from);
      if (to !== 'expired') query = query.where('expires_at', '>', sql<Date>`now()`);
      return query.returningAll();
    })
    .selectFrom('moved as t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns)
    .executeTakeFirst();
}

/**
 * Ends the open transactions of a system, or of every system of an agency, that stops being active (suspended or
 * cancelled): the status change's transition, in the change's own transaction.
 */
export async function withdrawOpenLogins(db: Db, of: { clientId: string } | { agencyId: string }): Promise<number> {
  const { from, to } = loginTransitions.withdraw;
  let query = db.updateTable('login_transactions').set({ status: to, decided_at: sql`now()` }).where('status', 'in', from);
  query =
    'clientId' in of
      ? query.where('client_id', '=', of.clientId)
      : query.where('client_id', 'in', db.selectFrom('agency_systems').select('client_id').where('agency_id', '=', of.agencyId));
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

/**
 * The sign-ins a device approved for a system within an interaction's lifetime: a browser may still be about to
 * carry any of them on (a consent withdrawal must stop those too).
 */
export async function recentApprovalsBy(db: Db, deviceId: string, clientId: string): Promise<{ id: string; scopes: string[] }[]> {
  return db
    .selectFrom('login_transactions')
    .select(['id', 'scopes'])
    .where('device_id', '=', deviceId)
    .where('client_id', '=', clientId)
    .where('status', '=', 'approved')
    .where('decided_at', '>', sql<Date>`now() - make_interval(secs => ${lifetimes.Interaction})`)
    .execute();
}
