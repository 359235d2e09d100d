import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { InvalidRequestError } from '../errors.ts';
import { findCitizen } from '../registry/queries.ts';
import { checkPin } from './pin-check.ts';
import { hashPin, withHashingSlot } from './pin-hash.ts';
import { pinProblems } from './pin-policy.ts';
import { setPinHash, type Device } from './queries.ts';

/** A new PIN needs the current one (which counts as an attempt) and must pass the same rules as at enrolment. */
export async function changePin(db: Kysely<Schema>, device: Device, currentPin: string, newPin: string): Promise<void> {
  // Said before the current PIN is checked: the two PINs typed being equal tells the one typing nothing new.
  if (newPin === currentPin) throw new InvalidRequestError('The new PIN is the same as the current one: choose a different PIN.', { newPin: ['same_as_current'] });
  await withHashingSlot(async (slot) => {
    await checkPin(db, device.id, currentPin, slot);
    const citizen = await findCitizen(db, device.pid);
    const problems = pinProblems(newPin, { birthdate: citizen?.birthdate ?? '', pid: citizen?.pid ?? device.pid });
    if (problems.length) throw new InvalidRequestError(problems.join(' '), { pin: problems });
    await setPinHash(db, device.id, await hashPin(newPin));
  });
}
