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

/**
 * The systems of an agency that have an API key no one was shown: made by an approval in the staff console, which
 * shows staff no credential, and not issued a key since. An approval by the admin token (the CLI, `rp create`, the
 * demo) prints the key, and an issue shows it, so those are not among them.
 */
export async function systemsWithUnseenApiKey(db: Kysely<Schema>, agencyId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('agency_systems as s')
    .select('s.client_id')
    .where('s.agency_id', '=', agencyId)
    .where('s.api_key_hash', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('audit_events as a').select('a.id').where('a.target_kind', '=', 'system').whereRef('a.target_id', '=', 's.client_id').where('a.action', '=', 'system.api_key.issue'),
        ),
      ),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('permission_letters as l')
          .innerJoin('application_events as e', 'e.application_id', 'l.application_id')
          .select('l.number')
          .whereRef('l.agency_id', '=', 's.agency_id')
          .where('e.transition', '=', 'approve')
          .where('e.actor_kind', '=', 'staff')
          .where(sql<boolean>`l.systems @> jsonb_build_array(jsonb_build_object('clientId', s.client_id, 'change', 'new_system'))`),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.client_id));
}
