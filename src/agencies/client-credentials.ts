import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newClientId(): string {
  return randomBytes(24).toString('base64url');
}

export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** An API key: as random as a secret, and stored hashed like one. */
export function newApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Secrets and API keys are 256 random bits, so a fast hash is enough to make a stolen table useless; a slow
 * password hash would only add latency to every token request.
 */
export function hashCredential(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

export function credentialMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash);
  const actual = Buffer.from(hashCredential(secret));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
