import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A system a citizen has granted to, named as it is now: its agency's names, its own, whether it may still act. */
export interface NamedSystem {
  clientId: string;
  agency: { id: string; th: string; en: string };
  name: string;
  purpose: string;
  /** Whether it is among the active systems (its agency active too, no suspension due). */
  active: boolean;
}

/**
 * The systems of `clientIds`, whatever their status: a consent given to a system since suspended is still the
 * citizen's to see and to withdraw. Systems are never deleted, so every grant's system is found.
 */
export async function systemsNamed(db: Kysely<Schema>, clientIds: readonly string[]): Promise<Map<string, NamedSystem>> {
  if (clientIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('agency_systems as s')
    .innerJoin('agencies as a', 'a.id', 's.agency_id')
    .select(['s.client_id', 's.agency_id', 'a.name_th', 'a.name_en', 's.name', 's.purpose'])
    .select((eb) => eb.exists(eb.selectFrom('active_systems as live').select('live.client_id').whereRef('live.client_id', '=', 's.client_id')).as('active'))
    .where('s.client_id', 'in', clientIds)
    .execute();
  return new Map(
    rows.map((row) => [
      row.client_id,
      {
        clientId: row.client_id,
        agency: { id: row.agency_id, th: row.name_th, en: row.name_en },
        name: row.name,
        purpose: row.purpose,
        active: Boolean(row.active),
      },
    ]),
  );
}
