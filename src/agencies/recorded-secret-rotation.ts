import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { rotateClientSecretRecorded, type SecretRotation } from './secret-rotation.ts';

/**
 * Rotates a system's client secret on behalf of an agency's administrator in the portal, or of the admin token. A
 * cancelled system, or a system of a cancelled agency, can never sign anyone in again, so it gets no new secret.
 */
export async function rotateSecretRecorded(
  db: Kysely<Schema>,
  rotation: { clientId: string; graceSeconds: number; replacing?: string | undefined; actor: AuditActor; requestId: string | null },
): Promise<SecretRotation> {
  const system = await db
    .selectFrom('agency_systems as s')
    .innerJoin('agencies as a', 'a.id', 's.agency_id')
    .select(['s.status', 'a.status as agencyStatus'])
    .where('s.client_id', '=', rotation.clientId)
    .executeTakeFirst();
  if (!system) throw new NotFoundError(`No system with client_id ${rotation.clientId}.`);
  // Cancellation is final, so a system seen cancelled here stays so; one cancelled just after gets a secret it can never use.
  if (system.status === 'cancelled' || system.agencyStatus === 'cancelled') {
    throw new ConflictError('cancelled', `System ${rotation.clientId} is cancelled, and cancellation is final: it gets no new secret.`);
  }
  return rotateClientSecretRecorded(db, rotation);
}
