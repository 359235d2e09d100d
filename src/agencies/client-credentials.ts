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

/**
 * Whether `secret` authenticates a system: its current secret, or the one a rotation replaced while that one's
 * grace window lasts (live_previous_secret_hash is null once it has ended). The token endpoint and the agency API
 * both ask this.
 */
export function systemSecretMatches(secret: string, hashes: { current: string | null | undefined; livePrevious: unknown }): boolean {
  if (typeof hashes.current === 'string' && credentialMatches(secret, hashes.current)) return true;
  return typeof hashes.livePrevious === 'string' && credentialMatches(secret, hashes.livePrevious);
}
