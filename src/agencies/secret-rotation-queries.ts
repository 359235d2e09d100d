import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/*
 * The statements of a client secret's rotation (secret-rotation.ts decides whether one may be made): the secret a
 * system has now, and its replacement, with the replaced one kept for a grace window by the database's clock.
 */

/** A system's current secret hash (null for a public client) and how it authenticates; undefined for no such system. */
export async function findSystemSecret(db: Kysely<Schema>, clientId: string) {
  return db
    .selectFrom('agency_systems')
    .select(['client_secret_hash', 'token_endpoint_auth_method'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

/**
 * Replaces the system's secret, whose hash was `replacedHash` when read, by the one hashed `newSecretHash`: the
 * replaced secret keeps working for `graceSeconds` after now. Returns until when, or undefined when the system's
 * secret is no longer the one read.
 */
export async function replaceSecret(db: Kysely<Schema>, clientId: string, replacement: { replacedHash: string; newSecretHash: string; graceSeconds: number }) {
  return db
    .updateTable('agency_systems')
    .set((eb) => ({
      previous_secret_hash: eb.ref('client_secret_hash'),
      previous_secret_expires_at: sql<Date>`now() + make_interval(secs => ${replacement.graceSeconds})`,
      client_secret_hash: replacement.newSecretHash,
      updated_at: sql<Date>`now()`,
    }))
    .where('client_id', '=', clientId)
    // A rotation that committed since replacedHash was read replaced it first: this one replaces nothing.
    .where('client_secret_hash', '=', replacement.replacedHash)
    .returning('previous_secret_expires_at')
    .executeTakeFirst();
}
