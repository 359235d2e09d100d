import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { getOrCreateSetting } from './settings.ts';

/** The installation's secrets for its own MACs and derivations, one per purpose, each in its own setting. */
export type InstallationKeyName = 'face_key' | 'qr_key';

// A key is made once per installation and never changes; each process reads it once.
const keys = new WeakMap<Kysely<Schema>, Map<InstallationKeyName, Promise<Buffer>>>();

/** 32 random bytes made on first use and shared by every process on the database. */
export function installationKey(db: Kysely<Schema>, name: InstallationKeyName): Promise<Buffer> {
  let byName = keys.get(db);
  if (!byName) keys.set(db, (byName = new Map()));
  let key = byName.get(name);
  if (!key) {
    key = getOrCreateSetting(db, name, () => randomBytes(32).toString('base64url')).then((text) => Buffer.from(text, 'base64url'));
    key.catch(() => byName.delete(name));
    byName.set(name, key);
  }
  return key;
}
