import type { Kysely } from 'kysely';
import { dopaAgencyId } from '../agencies/first-party-systems.ts';
import type { Schema } from '../db/schema.ts';
import { appendEntry } from '../disclosures/ledger-queries.ts';
import type { DeviceEvent } from '../disclosures/ledger-entry.ts';

/*
 * Enrolments are events of the citizen's history beside their answers to requests, so that whichever phone
 * they hold later shows when a phone was enrolled for them and when someone failed to enrol one with their card
 * data. The one asking is DOPA's ThaID itself, for no data items.
 */
const thaid = {
  agency: { id: dopaAgencyId, th: 'กรมการปกครอง', en: 'Department of Provincial Administration' },
  system: { clientId: 'thaid-app', name: 'ThaID' },
  purpose: 'การลงทะเบียน ThaID บนโทรศัพท์ · Enrolling ThaID on a phone',
};

/** Appends the enrolment event; pass the enrolment's transaction where it has one, so both are kept or lost together. */
export async function recordEnrolmentEvent(db: Kysely<Schema>, pid: string, event: DeviceEvent, deviceId?: string): Promise<void> {
  await appendEntry(db, { kind: 'event', at: new Date().toISOString(), pid, ...thaid, items: [], event, ...(deviceId ? { deviceId } : {}) });
}
