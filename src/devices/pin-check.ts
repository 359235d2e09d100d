import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ForbiddenError } from '../errors.ts';
import { pinMatches, spendPinCheckTime, type HashingSlot } from './pin-hash.ts';
import { MAX_FAILED_PIN_ATTEMPTS, resetPinAttempts, takePinAttempt } from './queries.ts';

/** One answer for a wrong PIN and for a locked device, so a guesser cannot tell them apart. */
export class PinRejectedError extends ForbiddenError {
  constructor() {
    super(
      'pin_rejected',
      `The PIN is not correct, or this device is locked after ${MAX_FAILED_PIN_ATTEMPTS} wrong PINs in a row. ` +
        'A locked device works again after the citizen enrols it again.',
    );
  }
}

/**
 * Compares a PIN with the hash an attempt taken for it gave (undefined when the device may not try). The attempt
 * is taken before the hash is compared, so concurrent guesses never get more than the allowed number of
 * comparisons. A right PIN leaves the attempt taken; the caller gives it back, in the statement that acts on the
 * PIN (an approval does so with approveScanned).
 */
export async function compareWithTakenAttempt(hash: string | undefined, pin: string, slot?: HashingSlot): Promise<void> {
  if (hash === undefined) {
    // Nothing to hash: the slot is free for another device while this refusal takes its time.
    slot?.release();
    await spendPinCheckTime();
    throw new PinRejectedError();
  }
  if (!(await pinMatches(hash, pin))) throw new PinRejectedError();
}

/** Checks a device's PIN, spending one attempt (see compareWithTakenAttempt). */
async function spendPinAttempt(db: Kysely<Schema>, deviceId: string, pin: string, slot?: HashingSlot): Promise<void> {
  await compareWithTakenAttempt(await takePinAttempt(db, deviceId), pin, slot);
}

/** Checks a device's PIN; a right PIN gives all attempts back. */
export async function checkPin(db: Kysely<Schema>, deviceId: string, pin: string, slot?: HashingSlot): Promise<void> {
  await spendPinAttempt(db, deviceId, pin, slot);
  await resetPinAttempts(db, deviceId);
}
