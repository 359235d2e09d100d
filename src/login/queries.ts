import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { LoginStatus, LoginTransactionsTable, Schema } from '../db/schema.ts';
import { MAX_FAILED_PIN_ATTEMPTS } from '../devices/queries.ts';

export type LoginRow = Selectable<LoginTransactionsTable>;
type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * Every column of a transaction (`t`), with an open one past its time read as expired, so no timer has to run
 * first; and who asks (`rp`, from active_systems): null fields once the system or its agency may not act.
 */
const loginColumns = [
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
  't.scanned_at',
  't.decided_at',
  'rp.agency_name_th',
  'rp.agency_name_en',
  'rp.name as system_name',
  'rp.purpose',
] as const;

function selectLogins(db: Db) {
  return db.selectFrom('login_transactions as t').leftJoin('active_systems as rp', 'rp.client_id', 't.client_id').select(loginColumns);
}

/** A login transaction as the browser, the device and the flow read it. */
export type LoginTransaction = NonNullable<Awaited<ReturnType<ReturnType<typeof selectLogins>['executeTakeFirst']>>>;

/**
 * Inserts a transaction unless its interaction already has an open one (a unique index decides, so pages
 * loading at once cannot open two). Returns undefined when one was already open.
 */
export async function insertLoginTransaction(
  db: Db,
  t: { id: string; interactionUid: string; clientId: string; scopes: string[]; shortCode: string; ttlSeconds: number; notAfter: number },
): Promise<LoginTransaction | undefined> {
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
          // The database's clock decides expiry everywhere, so the server's clock cannot disagree with it;
          // `notAfter` (epoch seconds) is the end of the interaction the transaction belongs to.
          expires_at: sql`least(now() + make_interval(secs => ${t.ttlSeconds}), to_timestamp(${t.notAfter}))`,
        })
        // The index's own predicate, spelled with constants: a prepared statement's generic plan cannot match a
        // partial index to a predicate with parameters.
        .onConflict((oc) => oc.column('interaction_uid').where(sql<boolean>`status in ('pending', 'scanned')`).doNothing())
        .returningAll(),
    )
    .selectFrom('opened as t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns)
    .executeTakeFirst();
}

/**
 * Marks open transactions past their time as expired: the periodic clean-up, and before a new QR code is
 * opened for an interaction. Reads already see them as expired.
 */
export async function expireOverdue(db: Db, interactionUid?: string): Promise<number> {
  let query = db
    .updateTable('login_transactions')
    .set({ status: 'expired', decided_at: sql`now()` })
    .where('status', 'in', ['pending', 'scanned'])
    .where('expires_at', '<=', sql<Date>`now()`);
  if (interactionUid) query = query.where('interaction_uid', '=', interactionUid);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

export async function latestForInteraction(db: Db, interactionUid: string): Promise<LoginTransaction | undefined> {
  return selectLogins(db).where('t.interaction_uid', '=', interactionUid).orderBy('t.created_at', 'desc').orderBy('t.id').limit(1).executeTakeFirst();
}

export async function findLoginTransaction(db: Db, ref: { id: string } | { shortCode: string }): Promise<LoginTransaction | undefined> {
  const query = selectLogins(db);
  return ('id' in ref ? query.where('t.id', '=', ref.id) : query.where('t.short_code', '=', ref.shortCode).orderBy('t.created_at', 'desc').limit(1)).executeTakeFirst();
}

/**
 * Moves a transaction from one status to the next only if it is still where the caller saw it (and, for an
 * answer, only for the device that scanned it). An open transaction past its time moves nowhere.
 */
export async function transition(
  db: Db,
  id: string,
  from: LoginStatus,
  to: LoginStatus,
  answeringDeviceId?: string,
): Promise<LoginRow | undefined> {
  let query = db
    .updateTable('login_transactions')
    .set({ status: to, decided_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', from);
  if (from === 'pending' || from === 'scanned') query = query.where('expires_at', '>', sql<Date>`now()`);
  if (answeringDeviceId) query = query.where('device_id', '=', answeringDeviceId);
  return query.returningAll().executeTakeFirst();
}

/**
 * A device scans a code: the pending transaction it names becomes this device's, in one statement, unless
 * the relying party asking may no longer act, or the device can no longer answer (revoked by a new enrolment
 * or locked by wrong PINs since its request was checked). Then the code stays unclaimed for another scan.
 * Returns the transaction with who asks.
 */
export async function claimForScan(
  db: Db,
  ref: { id: string } | { shortCode: string },
  device: { id: string; pid: string },
): Promise<LoginTransaction | undefined> {
  return db
    .with('claimed', (qb) => {
      const claim = qb
        .updateTable('login_transactions')
        .set({ status: 'scanned', scanned_at: sql`now()`, device_id: device.id, pid: device.pid })
        .where('status', '=', 'pending')
        .where('expires_at', '>', sql<Date>`now()`)
        .where((eb) => eb.exists(eb.selectFrom('active_systems').select('active_systems.client_id').whereRef('active_systems.client_id', '=', 'login_transactions.client_id')))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('devices')
              .select('devices.id')
              .where('devices.id', '=', device.id)
              .where('devices.status', '=', 'active')
              .where('devices.failed_pin_attempts', '<', MAX_FAILED_PIN_ATTEMPTS),
          ),
        );
      return ('id' in ref ? claim.where('id', '=', ref.id) : claim.where('short_code', '=', ref.shortCode)).returningAll();
    })
    .selectFrom('claimed as t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns)
    .executeTakeFirst();
}
