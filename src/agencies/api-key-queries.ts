import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/*
 * The statements of issuing a system's API key (api-key-issue.ts decides whether one may be issued): the key hash a
 * system has now, and its replacement.
 */

/** A system's API key hash (null when it has none); undefined for no such system. */
export async function findApiKeyHash(db: Kysely<Schema>, clientId: string): Promise<{ api_key_hash: string | null } | undefined> {
  return db.selectFrom('agency_systems').select('api_key_hash').where('client_id', '=', clientId).executeTakeFirst();
}

/**
 * Replaces the system's API key, whose hash was `replacedHash` when read (null for none), by the one hashed
 * `newKeyHash`. Returns false when the system's key is no longer the one read: another issue came first.
 */
export async function replaceApiKey(db: Kysely<Schema>, clientId: string, replacement: { replacedHash: string | null; newKeyHash: string }): Promise<boolean> {
  const updated = await db
    .updateTable('agency_systems')
    .set({ api_key_hash: replacement.newKeyHash, updated_at: sql<Date>`now()` })
    .where('client_id', '=', clientId)
    .where(sql<boolean>`api_key_hash is not distinct from ${replacement.replacedHash}`)
    .returning('client_id')
    .executeTakeFirst();
  return updated !== undefined;
}
