import { sql, type Kysely, type Selectable } from 'kysely';
import type { ConditionsVersionsTable, Schema } from '../db/schema.ts';

export type ConditionsVersion = Selectable<ConditionsVersionsTable>;

/** The conditions in force: the newest published version (migration 0020 publishes version 1). */
export async function currentConditions(db: Kysely<Schema>): Promise<ConditionsVersion> {
  return db.selectFrom('conditions_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
}

/**
 * Inserts the version after the newest. Two publications at the same moment draw the same number, and the
 * primary key refuses the second (unique violation); the caller explains it.
 */
export async function insertNextVersion(db: Kysely<Schema>, texts: { textTh: string; textEn: string }, publishedBy: string): Promise<ConditionsVersion> {
  return db
    .insertInto('conditions_versions')
    .values({
      version: sql<number>`(select coalesce(max(version), 0) + 1 from conditions_versions)`,
      text_th: texts.textTh,
      text_en: texts.textEn,
      published_by: publishedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every published version, newest first: what staff read as the history of the conditions. */
export async function listConditionsVersions(db: Kysely<Schema>): Promise<ConditionsVersion[]> {
  return db.selectFrom('conditions_versions').selectAll().orderBy('version', 'desc').execute();
}
