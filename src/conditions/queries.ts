import type { Kysely, Selectable } from 'kysely';
import type { ConditionsVersionsTable, Schema } from '../db/schema.ts';

export type ConditionsVersion = Selectable<ConditionsVersionsTable>;

/** The conditions in force: the newest published version (migration 0020 publishes version 1). */
export async function currentConditions(db: Kysely<Schema>): Promise<ConditionsVersion> {
  return db.selectFrom('conditions_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
}
