import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { installationKey } from '../instance/installation-keys.ts';
import { registryFace, type FaceVector } from './faces.ts';

/** The civil registry's face template of the citizen `pid` (see faces.ts). */
export async function registryFaceOf(db: Kysely<Schema>, pid: string): Promise<FaceVector> {
  return registryFace(await installationKey(db, 'face_key'), pid);
}
