import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { recordEnrolmentEvent } from './enrolment-events.ts';
import type { Device } from './queries.ts';

/*
 * The citizen removes ThaID from this phone. The phone stops being their device at once, as when a new enrolment
 * replaces it: its requests are refused from then on, the sign-ins it had in hand are cancelled and what it
 * approved ends (the database does both when a device stops being active, migrations 0007 and 0024). The citizen's
 * history keeps the removal, for whichever phone they enrol next.
 */
export async function removeDevice(db: Kysely<Schema>, device: Device): Promise<{ removed: true }> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('devices')
      .set({ status: 'revoked', revoked_at: sql`now()`, revoked_reason: 'removed from the phone by the citizen' })
      .where('id', '=', device.id)
      .where('status', '=', 'active')
      .execute();
    await recordEnrolmentEvent(trx, device.pid, 'device_removed', device.id);
  });
  return { removed: true };
}
