import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { lockSystemStatus, shareAgencyStatus } from './lock-queries.ts';
import { agencyIdOfSystem } from './queries.ts';
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
    await refuseIfCancelled(trx, rotation.clientId);
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

/**
 * Holds the system's agency and then the system, in the order a status change locks them, so a cancellation of
 * either that is under way is waited for and seen, and none can start until the new secret is stored.
 */
async function refuseIfCancelled(trx: Kysely<Schema>, clientId: string): Promise<void> {
  const agencyId = await agencyIdOfSystem(trx, clientId);
  if (!agencyId) throw new NotFoundError(`No system with client_id ${clientId}.`);
  const agencyStatus = await shareAgencyStatus(trx, agencyId);
  const systemStatus = await lockSystemStatus(trx, clientId);
  if (systemStatus === 'cancelled' || agencyStatus === 'cancelled') {
    throw new ConflictError('cancelled', `System ${clientId} is cancelled, and cancellation is final: it gets no new secret.`);
  }
}
