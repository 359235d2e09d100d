import type { Kysely, Selectable, Transaction } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { DeviceNotificationsTable, Schema } from '../db/schema.ts';
import type { NotificationKind } from './kinds.ts';

export type DeviceNotification = Selectable<DeviceNotificationsTable>;
type Db = Kysely<Schema> | Transaction<Schema>;

export interface NewNotification {
  pid: string;
  deviceId: string;
  kind: NotificationKind;
  th: string;
  en: string;
  details?: Record<string, unknown>;
}

/** A notification's columns, in the order the statements that insert one from a query (a scan's, an approval's) give them. */
export const notificationColumns = ['pid', 'device_id', 'kind', 'message_th', 'message_en', 'details'] as const;

export async function insertNotification(db: Db, n: NewNotification): Promise<void> {
  await insertNotificationQuery.all(db, { ...n, details: n.details ?? {} });
}

const insertNotificationQuery = compiledOnce((db, n: Required<NewNotification>) =>
  db.insertInto('device_notifications').values({ pid: n.pid, device_id: n.deviceId, kind: n.kind, message_th: n.th, message_en: n.en, details: n.details }),
);

/**
 * The citizen's inbox, newest first. It belongs to the citizen, not to a phone: a newly enrolled device shows
 * what came before it (the device a notice went to is kept in device_id), and a replaced device can no longer
 * ask, as its requests are refused.
 */
export async function listNotifications(db: Db, pid: string, limit = 50): Promise<DeviceNotification[]> {
  return db.selectFrom('device_notifications').selectAll().where('pid', '=', pid).orderBy('id', 'desc').limit(limit).execute();
}
