import { sql, type Kysely, type QueryCreator } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Schema } from '../db/schema.ts';
import {
  MAX_FAILED_PIN_ATTEMPTS,
  withDeviceRequestRecorded,
  takeOnePinAttempt,
  type DeviceRequestNonce,
  type RecordedDeviceRequest,
  type TakenPinAttempt,
} from '../devices/queries.ts';
import { appendAnswerEvent } from '../disclosures/ledger-queries.ts';
import type { NotificationKind } from '../notifications/kinds.ts';
import { notificationColumns, type NewNotification } from '../notifications/queries.ts';
import { loginColumns, type Db, type LoginTransaction } from './queries.ts';
import { loginTransitions } from './state-machine.ts';

/*
 * The transitions a device makes (scan, approve, deny; a report is in report-step.ts), each one statement:
 * the signed request's nonce is recorded, the transaction moves as state-machine.ts allows, and the transition's
 * hooks write their part.
 */

/**
 * The notice a scan leaves on the citizen's device, written by the database in the claim's own statement, so
 * no scan goes untold. `th` and `en` are format() templates with three %s: the agency's name, the system's name
 * and the data items asked for, listed in the order of `items` (JSON: [{ scope, th, en }]).
 */
export interface ScanNotice {
  kind: NotificationKind;
  th: string;
  en: string;
  items: string;
  /** The list when nothing but the sign-in itself is asked for. */
  noItemsTh: string;
  noItemsEn: string;
}

/** A transaction as a device step's statement found it, with how it found the device's request. */
export interface DeviceStepResult {
  /** Undefined when the signing device is not known. */
  recorded: (RecordedDeviceRequest & { device_pid: string }) | undefined;
  login: LoginTransaction | undefined;
}

/**
 * A device scans a code, in one statement: its request's nonce is recorded; the pending transaction the code
 * names becomes this device's, unless the nonce was used before, the relying party asking may no longer act, or
 * the device can no longer answer (revoked by a new enrolment or locked by wrong PINs); and the claim leaves its
 * notice. A refused claim leaves the code for another scan. Returns the claimed transaction with who asks.
 */
export async function claimForScan(
  db: Db,
  request: DeviceRequestNonce,
  ref: { id: string } | { shortCode: string },
  notice: ScanNotice,
): Promise<DeviceStepResult> {
  const scan = { ...request, ...notice };
  const row = await ('id' in ref ? claimByIdQuery.first(db, { ...scan, code: ref.id }) : claimByShortCodeQuery.first(db, { ...scan, code: ref.shortCode }));
  return deviceStepResult(row);
}

function deviceStepResult(row: ({ id: string | null } & RecordedDeviceRequest & { device_pid: string }) | undefined): DeviceStepResult {
  if (!row) return { recorded: undefined, login: undefined };
  const { device_status, device_pid, nonce_is_new, ...login } = row;
  // Left-joined: a transaction that was not found, or not claimed, reads as a row of nulls.
  return { recorded: { device_status, device_pid, nonce_is_new }, login: login.id === null ? undefined : (login as LoginTransaction) };
}

type Scan = DeviceRequestNonce & ScanNotice & { code: string };

/** One language's list of the data items a transaction (`c`) asks for, or `none` when it asks for none. */
const dataItemLabels = (items: string, language: 'th' | 'en', none: string) =>
  sql<string>`coalesce((select string_agg(item ->> ${sql.lit(language)}, ', ' order by position) from jsonb_array_elements(cast(${items} as jsonb)) with ordinality as listed(item, position) where item ->> 'scope' = any(c.scopes)), ${none})`;

/** The claim of a scan, of the pending transaction whose `column` (its id or its short code) is `code`. */
function claimQuery(db: Kysely<Schema>, p: Scan, column: 'id' | 'short_code') {
  return withDeviceRequestRecorded(db, p)
    .with('claimed', (qb) =>
      qb
        .updateTable('login_transactions')
        .set((eb) => ({ status: loginTransitions.scan.to, scanned_at: sql`now()`, device_id: p.deviceId, pid: eb.selectFrom('signer').select('signer.pid') }))
        .where('status', 'in', loginTransitions.scan.from)
        .where('expires_at', '>', sql<Date>`now()`)
        .where((eb) => eb.exists(eb.selectFrom('recorded').select('recorded.nonce')))
        .where((eb) => eb.exists(eb.selectFrom('active_systems').select('active_systems.client_id').whereRef('active_systems.client_id', '=', 'login_transactions.client_id')))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('signer')
              .select('signer.id')
              .where('signer.status', '=', 'active')
              .where('signer.failed_pin_attempts', '<', MAX_FAILED_PIN_ATTEMPTS),
          ),
        )
        .where(column, '=', p.code)
        .returningAll(),
    )
    // The transition's hook, in its statement.
    .with('notify_data_request', (qb) =>
      qb
        .insertInto('device_notifications')
        .columns(notificationColumns)
        .expression((eb) =>
          eb
            .selectFrom('claimed as c')
            .innerJoin('active_systems as rp', 'rp.client_id', 'c.client_id')
            .select([
              sql<string>`c.pid`.as('pid'),
              sql<string>`c.device_id`.as('device_id'),
              eb.val(p.kind).as('kind'),
              sql<string>`format(${p.th}, rp.agency_name_th, rp.name, ${dataItemLabels(p.items, 'th', p.noItemsTh)})`.as('message_th'),
              sql<string>`format(${p.en}, rp.agency_name_en, rp.name, ${dataItemLabels(p.items, 'en', p.noItemsEn)})`.as('message_en'),
              sql<Record<string, unknown>>`jsonb_build_object('loginId', c.id, 'clientId', c.client_id, 'scopes', to_jsonb(c.scopes))`.as('details'),
            ]),
        ),
    )
    .selectFrom('signer')
    .leftJoin('claimed as t', (join) => join.onTrue())
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns)
    .select((eb) => [
      'signer.status as device_status',
      'signer.pid as device_pid',
      eb.exists(eb.selectFrom('recorded').select('recorded.nonce')).$castTo<boolean>().as('nonce_is_new'),
    ]);
}

const claimByIdQuery = compiledOnce((db, p: Scan) => claimQuery(db, p, 'id'));
const claimByShortCodeQuery = compiledOnce((db, p: Scan) => claimQuery(db, p, 'short_code'));

/**
 * What an approval starts from, in one statement: the request's nonce is recorded; the transaction is read; and
 * one PIN attempt is taken from the device, but only if the nonce was new and the device may answer the
 * transaction now (it scanned it, the answer is still open, the relying party may still act, and the citizen
 * picked the number the screen shows), so no attempt is spent on a request or an approval that would be refused
 * anyway. `taken` is what the device gave for the
 * attempt, if it gave one.
 */
export async function takePinAttemptToApprove(
  db: Db,
  t: DeviceRequestNonce & { id: string; number: number },
): Promise<DeviceStepResult & { taken: TakenPinAttempt | undefined }> {
  const row = await takePinAttemptToApproveQuery.first(db, t);
  if (!row) return { recorded: undefined, login: undefined, taken: undefined };
  const { pin_hash, failed_pin_attempts, ...rest } = row;
  return {
    ...deviceStepResult(rest),
    taken: pin_hash === null || failed_pin_attempts === null ? undefined : { pin_hash, failed_pin_attempts },
  };
}

const takePinAttemptToApproveQuery = compiledOnce((db, t: DeviceRequestNonce & { id: string; number: number }) =>
  withDeviceRequestRecorded(db, t)
    .with('login', (qb) => qb.selectFrom('login_transactions').selectAll().where('id', '=', t.id))
    .with('taken', (qb) =>
      qb
        .updateTable('devices')
        .set(takeOnePinAttempt)
        .where('id', '=', t.deviceId)
        .where('status', '=', 'active')
        .where((eb) => eb.exists(eb.selectFrom('recorded').select('recorded.nonce')))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('login')
              .innerJoin('active_systems', 'active_systems.client_id', 'login.client_id')
              .select('login.id')
              .where('login.device_id', '=', t.deviceId)
              .where('login.status', '=', 'scanned')
              .where('login.expires_at', '>', sql<Date>`now()`)
              .where((eb) => eb.or([eb('login.match_number', 'is', null), eb('login.match_number', '=', sql<number>`cast(${t.number} as smallint)`)])),
          ),
        )
        .returning(['pin_hash', 'failed_pin_attempts']),
    )
    .selectFrom('signer')
    .leftJoin('login as t', (join) => join.onTrue())
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .leftJoin('taken', (join) => join.onTrue())
    .select(loginColumns)
    .select((eb) => [
      'taken.pin_hash',
      'taken.failed_pin_attempts',
      'signer.status as device_status',
      'signer.pid as device_pid',
      eb.exists(eb.selectFrom('recorded').select('recorded.nonce')).$castTo<boolean>().as('nonce_is_new'),
    ]),
);

/**
 * The device's answer on the transaction it scanned, while the answer is still open and in time. A transaction
 * never outlives the interaction it belongs to, so the browser can still take the answer when it comes back.
 */
function decideScanned(qb: QueryCreator<Schema>, answer: 'approve' | 'deny', t: { id: string; deviceId: string }) {
  const { from, to } = loginTransitions[answer];
  return qb
    .updateTable('login_transactions')
    .set({ status: to, decided_at: sql`now()` })
    .where('id', '=', t.id)
    .where('status', 'in', from)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('device_id', '=', t.deviceId)
    .returningAll();
}

/**
 * The citizen's approval after the right PIN, in one statement. The device gets back the PIN attempt it spent,
 * whatever else happens. The scanned transaction becomes approved (see decideScanned), and only then is the
 * citizen's device told: both or neither. Returns the approved transaction, or undefined when it could no longer be approved.
 */
export async function approveScanned(db: Db, t: { id: string; deviceId: string; notification: NewNotification }): Promise<LoginTransaction | undefined> {
  const n = t.notification;
  return approveScannedQuery.first(db, {
    id: t.id,
    deviceId: t.deviceId,
    notifiedPid: n.pid,
    notifiedDeviceId: n.deviceId,
    kind: n.kind,
    th: n.th,
    en: n.en,
    details: JSON.stringify(n.details ?? {}),
  });
}

interface Approval {
  id: string;
  deviceId: string;
  notifiedPid: string;
  notifiedDeviceId: string;
  kind: string;
  th: string;
  en: string;
  /** The notification's details as JSON. */
  details: string;
}

const approveScannedQuery = compiledOnce((db, t: Approval) =>
  db
    .with('decided', (qb) => decideScanned(qb, 'approve', t))
    .with('pin_attempts_returned', (qb) => qb.updateTable('devices').set({ failed_pin_attempts: 0 }).where('id', '=', t.deviceId))
    // The transition's hook, in its statement.
    .with('notify_approval', (qb) =>
      qb
        .insertInto('device_notifications')
        .columns(notificationColumns)
        .expression((eb) =>
          eb
            .selectFrom('decided')
            .select([
              eb.val(t.notifiedPid).as('pid'),
              eb.val(t.notifiedDeviceId).as('device_id'),
              eb.val(t.kind).as('kind'),
              eb.val(t.th).as('message_th'),
              eb.val(t.en).as('message_en'),
              sql<Record<string, unknown>>`cast(${t.details} as jsonb)`.as('details'),
            ]),
        ),
    )
    // The citizen's history: the answer is an event of the ledger, committed with it.
    .with('record_approval', (qb) => appendAnswerEvent(qb, 'approved'))
    .selectFrom('decided as t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns),
);

/** The citizen's refusal on the device that scanned the sign-in (see decideScanned); undefined when too late. */
export async function denyScanned(db: Db, t: { id: string; deviceId: string }): Promise<LoginTransaction | undefined> {
  return denyScannedQuery.first(db, t);
}

const denyScannedQuery = compiledOnce((db, t: { id: string; deviceId: string }) =>
  db
    .with('decided', (qb) => decideScanned(qb, 'deny', t))
    .with('record_refusal', (qb) => appendAnswerEvent(qb, 'denied'))
    .selectFrom('decided as t')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns),
);
