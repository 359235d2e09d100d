import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { refuseIfCancelled } from './credential-guard.ts';
import { rotateClientSecret, type SecretRotation } from './secret-rotation.ts';

/**
 * Rotates a system's client secret on behalf of an agency's administrator in the portal, or of the admin token,
 * with its audit record in the same transaction: the grace and when the old secret stops, never a secret. A
 * cancelled system, or a system of a cancelled agency, can never sign anyone in again, so it gets no new secret.
 */
export async function rotateSecretRecorded(
  db: Kysely<Schema>,
  rotation: { clientId: string; graceSeconds: number; replacing?: string | undefined; actor: AuditActor; requestId: string | null },
): Promise<SecretRotation> {
  return db.transaction().execute(async (trx) => {
    await refuseIfCancelled(trx, rotation.clientId, 'secret');
    const rotated = await rotateClientSecret(trx, rotation.clientId, rotation.graceSeconds, rotation.replacing);
    await recordAuditEvent(trx, {
      actor: rotation.actor,
      action: 'system.secret.rotate',
      target: { kind: 'system', id: rotation.clientId },
      after: { graceSeconds: rotation.graceSeconds, previousSecretExpiresAt: rotated.previousSecretExpiresAt },
      requestId: rotation.requestId,
    });
    return rotated;
  });
}
