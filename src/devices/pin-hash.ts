import { setTimeout as sleep } from 'node:timers/promises';
import argon2 from 'argon2';
import { ServiceBusyError } from '../errors.ts';

/** argon2id with the parameters OWASP recommends as a minimum (19 MiB, 2 passes, 1 lane). */
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/*
 * Hashes run on libuv's worker threads (four by default). Beyond a few per thread, more waiting in line would
 * only delay every citizen's approval behind a flood of guesses, so a process takes at most this many PIN
 * hashes at once and answers 503 with Retry-After to the next: a busy refusal spends no PIN attempt, as callers
 * reserve their slot before they take one. A slot is held from then until the hash is done, across the
 * statement that takes the attempt, so it counts a little more than the hashes running: four per thread leaves
 * room for a device's whole minute of PIN entries (its rate limit) at once beside other citizens'.
 */
const MAX_HASHES_AT_ONCE = 16;
let hashesNow = 0;
let checksSoFar = 0;

/** A place among the hashes running now; given up when its work ends, or earlier when it turns out to need none. */
export interface HashingSlot {
  release(): void;
}

/** Runs `work`, which hashes or checks PINs, in one of the process's hashing slots; 503 when none is free. */
export async function withHashingSlot<T>(work: (slot: HashingSlot) => Promise<T>): Promise<T> {
  if (hashesNow >= MAX_HASHES_AT_ONCE) {
    throw new ServiceBusyError('Too many PINs are being checked right now. Try again in a second.', 1);
  }
  hashesNow++;
  let held = true;
  const slot = {
    release() {
      if (held) hashesNow--;
      held = false;
    },
  };
  try {
    return await work(slot);
  } finally {
    slot.release();
  }
}

export function hashPin(pin: string): Promise<string> {
  return argon2.hash(pin, options);
}

/** How long a check takes here, kept up to date, so a refusal without one can take as long. */
let typicalCheckMs = 50;

export async function pinMatches(hash: string, pin: string): Promise<boolean> {
  checksSoFar++;
  const started = performance.now();
  try {
    return await argon2.verify(hash, pin);
  } catch {
    return false;
  } finally {
    typicalCheckMs = 0.9 * typicalCheckMs + 0.1 * (performance.now() - started);
  }
}

/** How many PINs this process has checked against a hash since it started. */
export const pinChecksSoFar = () => checksSoFar;

/**
 * A locked or revoked device's refusal takes as long as a wrong PIN's, so a guesser cannot tell them apart,
 * without spending a hash: a flood of guesses at a locked device costs no hashing at all.
 */
export async function spendPinCheckTime(): Promise<void> {
  await sleep(typicalCheckMs);
}
