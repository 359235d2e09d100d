import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * Returns the stored value of a setting, creating it on first use. Several processes starting at once
 * agree on one value: the first insert wins and everyone reads it back.
 */
export async function getOrCreateSetting<T>(db: Kysely<Schema>, key: string, create: () => T): Promise<T> {
  await db
    .insertInto('instance_settings')
    .values({ key, value: JSON.stringify(create()) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value as T;
}

export async function getSetting<T>(db: Kysely<Schema>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value as T | undefined;
}

/** Records a setting once; returns false when it was already there. */
export async function setSettingOnce(db: Kysely<Schema>, key: string, value: unknown): Promise<boolean> {
  const result = await db
    .insertInto('instance_settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}
