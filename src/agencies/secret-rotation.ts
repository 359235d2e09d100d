import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.ts';
import { hashCredential, newClientSecret } from './client-credentials.ts';
import { findSystemSecret, replaceSecret } from './secret-rotation-queries.ts';

/** The longest a replaced secret keeps working: long enough to deploy the new one, short enough to matter. */
export const maxGraceSeconds = 7 * 24 * 60 * 60;
export const defaultGraceSeconds = 24 * 60 * 60;

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A grace window written as 0, 90s, 30m, 12h or 2d; undefined for anything else. */
export function parseGrace(text: string): number | undefined {
  const match = /^\s*(\d{1,9})\s*([smhd]?)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase();
  if (unit === '' && match[1] !== '0') return undefined;
  return Number(match[1]) * (units[unit] ?? 1);
}

/**
 * Which secret a system has now, as a page may show it: a hash of the stored hash, which tells the secret
 * nothing. A rotation asked from a page names the one the page showed, so that pressing the button twice, or two
 * administrators at once, replace it once: a second rotation would end the grace of the secret still deployed.
 */
export const secretVersionOf = (secretHash: string): string => createHash('sha256').update(`secret version ${secretHash}`).digest('base64url').slice(0, 16);

const secretChanged = (clientId: string) =>
  new ConflictError(
    'secret_changed',
    `System ${clientId}'s secret was replaced after the page you acted on was shown (the button pressed twice, or another administrator): it was not replaced again. Read the page again.`,
  );

export interface SecretRotation {
  clientId: string;
  /** Shown once; only its hash is kept. */
  clientSecret: string;
  /** The previous secret is accepted until then (now, for no grace). */
  previousSecretExpiresAt: string;
}

/**
 * Gives a confidential system a new secret. The secret it replaces keeps working for `graceSeconds` (by the
 * database's clock); one replaced earlier stops at once. A public client has no secret to rotate. `replacing`,
 * when given, is the version (secretVersionOf) of the secret to replace; another is refused as changed since.
 */
export async function rotateClientSecret(db: Kysely<Schema>, clientId: string, graceSeconds: number, replacing?: string): Promise<SecretRotation> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > maxGraceSeconds) {
    throw new InvalidRequestError(`The grace window must be 0 to ${maxGraceSeconds} seconds (7 days).`);
  }
  const system = await findSystemSecret(db, clientId);
  if (!system) throw new NotFoundError(`No system with client_id ${clientId}.`);
  if (system.token_endpoint_auth_method === 'none' || system.client_secret_hash === null) {
    throw new InvalidRequestError(`System ${clientId} is a public client: it has no secret to rotate (it signs in with PKCE alone).`);
  }
  if (replacing !== undefined && replacing !== secretVersionOf(system.client_secret_hash)) throw secretChanged(clientId);
  const clientSecret = newClientSecret();
  const updated = await replaceSecret(db, clientId, {
    replacedHash: system.client_secret_hash,
    newSecretHash: hashCredential(clientSecret),
    graceSeconds,
  });
  if (!updated) throw secretChanged(clientId);
  return { clientId, clientSecret, previousSecretExpiresAt: new Date(updated.previous_secret_expires_at!).toISOString() };
}
