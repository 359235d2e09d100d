import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { DevicesTable, Schema } from '../db/schema.ts';

export type Device = Selectable<DevicesTable>;
type Db = Kysely<Schema> | Transaction<Schema>;

export const MAX_FAILED_PIN_ATTEMPTS = 5;

export async function findDevice(db: Db, id: string): Promise<Device | undefined> {
  return db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The citizen's active device, if they have one. */
export async function findActiveDeviceOf(db: Db, pid: string): Promise<Device | undefined> {
  return db.selectFrom('devices').selectAll().where('pid', '=', pid).where('status', '=', 'active').executeTakeFirst();
}

/** Revokes the citizen's active device, if any, and returns it. */
export async function revokeActiveDevice(db: Db, pid: string, reason: string): Promise<Device | undefined> {
  return db
    .updateTable('devices')
    .set({ status: 'revoked', revoked_at: sql`now()`, revoked_reason: reason })
    .where('pid', '=', pid)
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst();
}

export async function insertDevice(
  db: Db,
  device: { id: string; pid: string; publicJwk: Record<string, unknown>; name: string; method: 'self' | 'office'; pinHash: string },
): Promise<void> {
  await db
    .insertInto('devices')
    .values({
      id: device.id,
      pid: device.pid,
      public_jwk: device.publicJwk,
      name: device.name,
      enrolment_method: device.method,
      pin_hash: device.pinHash,
    })
    .execute();
}

/**
 * Takes one PIN attempt: the counter stops one past the limit, so a locked device is written to like any other
 * and its refusal costs the database the same as a wrong PIN's.
 */
export const takeOnePinAttempt = { failed_pin_attempts: sql<number>`least(failed_pin_attempts + 1, ${MAX_FAILED_PIN_ATTEMPTS + 1})` };

/** What taking a PIN attempt gives back: the device's PIN hash and its count of failed attempts so far. */
export type TakenPinAttempt = Pick<Device, 'pin_hash' | 'failed_pin_attempts'>;

/** The PIN hash to compare with after an attempt was taken, or undefined when the device may not try. */
export function hashToCompare(taken: TakenPinAttempt | undefined): string | undefined {
  return taken && taken.failed_pin_attempts <= MAX_FAILED_PIN_ATTEMPTS ? taken.pin_hash : undefined;
}

/**
 * Takes one PIN attempt before the PIN is checked, in one UPDATE: however many guesses arrive at once, no
 * more than the limit are ever checked. Returns the PIN hash, or undefined when the device may not try.
 */
export async function takePinAttempt(db: Db, deviceId: string): Promise<string | undefined> {
  const row = await db
    .updateTable('devices')
    .set(takeOnePinAttempt)
    .where('id', '=', deviceId)
    .where('status', '=', 'active')
    .returning(['pin_hash', 'failed_pin_attempts'])
    .executeTakeFirst();
  return hashToCompare(row);
}

export async function resetPinAttempts(db: Db, deviceId: string): Promise<void> {
  await db.updateTable('devices').set({ failed_pin_attempts: 0 }).where('id', '=', deviceId).execute();
}

export async function setPinHash(db: Db, deviceId: string, pinHash: string): Promise<void> {
  await db.updateTable('devices').set({ pin_hash: pinHash, failed_pin_attempts: 0 }).where('id', '=', deviceId).execute();
}

/** A device request whose signature verified: what recording its nonce needs. */
export interface DeviceRequestNonce {
  deviceId: string;
  nonce: string;
  expiresAt: Date;
}

/**
 * The start of a statement that records a signed request's nonce (`recorded`: the nonce, only if it is new)
 * and reads the signing device as it is now (`signer`). A step of the device API starts its own statement with
 * these, so that it acts on the request in the same statement, and only if the nonce was new.
 */
export function withDeviceRequestRecorded(db: Kysely<Schema>, r: DeviceRequestNonce) {
  return db
    .with('recorded', (qb) =>
      qb
        .insertInto('device_request_nonces')
        .values({ device_id: r.deviceId, nonce: r.nonce, expires_at: r.expiresAt })
        .onConflict((oc) => oc.columns(['device_id', 'nonce']).doNothing())
        .returning('nonce'),
    )
    .with('signer', (qb) => qb.selectFrom('devices').selectAll().where('id', '=', r.deviceId));
}

/** How a statement begun by withDeviceRequestRecorded found the request: its device's status, and whether the nonce was new. */
export interface RecordedDeviceRequest {
  device_status: Device['status'];
  nonce_is_new: boolean;
}

/**
 * Records a signed request's nonce and reads its device, in one statement: the device as it is now (absent if
 * unknown) and whether the nonce was new.
 */
export async function recordDeviceRequest(db: Db, r: DeviceRequestNonce): Promise<(Device & RecordedDeviceRequest) | undefined> {
  return recordDeviceRequestQuery.first(db, r);
}

const recordDeviceRequestQuery = compiledOnce((db, r: DeviceRequestNonce) =>
  withDeviceRequestRecorded(db, r)
    .selectFrom('signer')
    .selectAll('signer')
    .select((eb) => [
      'signer.status as device_status',
      eb.exists(eb.selectFrom('recorded').select('recorded.nonce')).$castTo<boolean>().as('nonce_is_new'),
    ]),
);

/** Records a request nonce; false when it was used before. */
export async function rememberNonce(db: Db, deviceId: string, nonce: string, expiresAt: Date): Promise<boolean> {
  const result = await db
    .insertInto('device_request_nonces')
    .values({ device_id: deviceId, nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['device_id', 'nonce']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function deleteExpiredNonces(db: Db): Promise<void> {
  await db.deleteFrom('device_request_nonces').where('expires_at', '<', sql<Date>`now()`).execute();
}

export async function insertEnrolmentCode(db: Db, code: { hash: string; pid: string; validMinutes: number }): Promise<{ expiresAt: Date }> {
  const row = await db
    .insertInto('enrolment_codes')
    .values({ code_hash: code.hash, pid: code.pid, expires_at: sql`now() + make_interval(mins => ${code.validMinutes})` })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return { expiresAt: row.expires_at };
}

/** The citizen of an enrolment code that is unused and unexpired, without using it yet. */
export async function findUsableEnrolmentCode(db: Db, hash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('enrolment_codes')
    .select('pid')
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.pid;
}

/** Enrolments of one citizen take turns (inside a transaction), so two at once cannot both find no active device. */
export async function lockCitizenForEnrolment(trx: Transaction<Schema>, pid: string): Promise<void> {
  await trx.selectFrom('citizens').select('pid').where('pid', '=', pid).forUpdate().execute();
}

/** Marks an unused, unexpired enrolment code used and returns its citizen, in one statement. */
export async function useEnrolmentCode(db: Db, hash: string): Promise<string | undefined> {
  const row = await db
    .updateTable('enrolment_codes')
    .set({ used_at: sql`now()` })
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('pid')
    .executeTakeFirst();
  return row?.pid;
}
