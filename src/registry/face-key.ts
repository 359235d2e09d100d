import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { getOrCreateSetting } from '../instance/settings.ts';
import { registryFace, type FaceVector } from './faces.ts';

// The key is made once per installation and never changes; each process reads it once.
const keys = new WeakMap<Kysely<Schema>, Promise<Buffer>>();

function faceKeyOf(db: Kysely<Schema>): Promise<Buffer> {
  let key = keys.get(db);
  if (!key) {
    key = getOrCreateSetting(db, 'face_key', () => randomBytes(32).toString('base64url')).then((text) => Buffer.from(text, 'base64url'));
    key.catch(() => keys.delete(db));
    keys.set(db, key);
  }
  return key;
}

/** The civil registry's face template of the citizen `pid` (see faces.ts). */
export async function registryFaceOf(db: Kysely<Schema>, pid: string): Promise<FaceVector> {
  return registryFace(await faceKeyOf(db), pid);
}
