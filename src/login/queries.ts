import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { LoginStatus, LoginTransactionsTable, Schema } from '../db/schema.ts';

export type LoginTransaction = Selectable<LoginTransactionsTable>;
type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * Inserts a transaction unless its interaction already has an open one (a unique index decides, so pages
 * loading at once cannot open two). Returns undefined when one was already open.
 */
export async function insertLoginTransaction(
  db: Db,
  t: { id: string; interactionUid: string; clientId: string; scopes: string[]; shortCode: string; ttlSeconds: number; notAfter: number },
): Promise<LoginTransaction | undefined> {
  return db
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
    .onConflict((oc) => oc.column('interaction_uid').where('status', 'in', ['pending', 'scanned']).doNothing())
    .returningAll()
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

/** Every column, with an open transaction past its time read as expired, so no timer has to run first. */
const columns = [
  'id',
  'interaction_uid',
  'client_id',
  'scopes',
  'short_code',
  sql<LoginStatus>`case when status in ('pending', 'scanned') and expires_at <= now() then 'expired' else status end`.as('status'),
  'device_id',
  'pid',
  'created_at',
  'expires_at',
  'scanned_at',
  'decided_at',
] as const;

export async function latestForInteraction(db: Db, interactionUid: string): Promise<LoginTransaction | undefined> {
  return db
    .selectFrom('login_transactions')
    .select(columns)
    .where('interaction_uid', '=', interactionUid)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function findLoginTransaction(db: Db, ref: { id: string } | { shortCode: string }): Promise<LoginTransaction | undefined> {
  let query = db.selectFrom('login_transactions').select(columns);
  query = 'id' in ref ? query.where('id', '=', ref.id) : query.where('short_code', '=', ref.shortCode).orderBy('created_at', 'desc').limit(1);
  return query.executeTakeFirst();
}

/** Moves a transaction from one status to the next only if it is still where the caller saw it. */
export async function transition(
  db: Db,
  id: string,
  from: LoginStatus,
  to: LoginStatus,
  extra: { deviceId?: string; pid?: string; requireDeviceId?: string } = {},
): Promise<LoginTransaction | undefined> {
  let query = db
    .updateTable('login_transactions')
    .set({
      status: to,
      ...(to === 'scanned' ? { scanned_at: sql`now()`, device_id: extra.deviceId ?? null, pid: extra.pid ?? null } : { decided_at: sql`now()` }),
    })
    .where('id', '=', id)
    .where('status', '=', from);
  if (from === 'pending' || from === 'scanned') query = query.where('expires_at', '>', sql<Date>`now()`);
  if (extra.requireDeviceId) query = query.where('device_id', '=', extra.requireDeviceId);
  return query.returningAll().executeTakeFirst();
}

/** A device scans a code: the pending transaction it names becomes this device's, in one statement. */
export async function claimForScan(
  db: Db,
  ref: { id: string } | { shortCode: string },
  device: { id: string; pid: string },
): Promise<LoginTransaction | undefined> {
  let query = db
    .updateTable('login_transactions')
    .set({ status: 'scanned', scanned_at: sql`now()`, device_id: device.id, pid: device.pid })
    .where('status', '=', 'pending')
    .where('expires_at', '>', sql<Date>`now()`);
  query = 'id' in ref ? query.where('id', '=', ref.id) : query.where('short_code', '=', ref.shortCode);
  return query.returningAll().executeTakeFirst();
}

/** Cancels the open transactions a device had scanned; returns their ids. */
export async function cancelOpenForDevice(db: Db, deviceId: string): Promise<string[]> {
  const rows = await db
    .updateTable('login_transactions')
    .set({ status: 'cancelled', decided_at: sql`now()` })
    .where('device_id', '=', deviceId)
    .where('status', 'in', ['pending', 'scanned'])
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
