import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { rotateClientSecret, type SecretRotation } from './secret-rotation.ts';

/**
 * Rotates a system's client secret on behalf of `actor` (an agency's administrator in the portal), with its audit
 * record in the same transaction: the grace and when the old secret stops, never a secret. A cancelled system, or
 * a system of a cancelled agency, can never sign anyone in again, so it gets no new secret.
 */
export async function rotateSecretRecorded(
  db: Kysely<Schema>,
  rotation: { clientId: string; graceSeconds: number; actor: AuditActor; requestId: string | null },
): Promise<SecretRotation> {
  return db.transaction().execute(async (trx) => {
    const system = await trx
      .selectFrom('agency_systems as s')
      .innerJoin('agencies as a', 'a.id', 's.agency_id')
      .select(['s.status', 'a.status as agencyStatus'])
      .where('s.client_id', '=', rotation.clientId)
      .forUpdate()
      .executeTakeFirst();
    if (!system) throw new NotFoundError(`No system with client_id ${rotation.clientId}.`);
    if (system.status === 'cancelled' || system.agencyStatus === 'cancelled') {
      throw new ConflictError('cancelled', `System ${rotation.clientId} is cancelled, and cancellation is final: it gets no new secret.`);
    }
    const rotated = await rotateClientSecret(trx, rotation.clientId, rotation.graceSeconds);
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
