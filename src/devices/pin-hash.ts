import argon2 from 'argon2';

/** argon2id with the parameters OWASP recommends as a minimum (19 MiB, 2 passes, 1 lane). */
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPin(pin: string): Promise<string> {
  return argon2.hash(pin, options);
}

export async function pinMatches(hash: string, pin: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, pin);
  } catch {
    return false;
  }
}

// A real hash of a PIN nobody can enter, so a locked device's refusal costs the same time as a wrong PIN.
const decoyHash = hashPin('not-a-pin');

export async function spendPinCheckTime(pin: string): Promise<void> {
  await pinMatches(await decoyHash, pin);
}
