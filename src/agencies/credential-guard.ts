import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { lockSystemStatus, shareAgencyStatus } from './lock-queries.ts';
import { agencyIdOfSystem } from './queries.ts';

/**
 * Refuses a new credential (`what`: "secret", "API key") for a cancelled system, or a system of a cancelled
 * agency: it can never sign anyone in again. Holds the system's agency and then the system, in the order a status
 * change locks them, so a cancellation of either that is under way is waited for and seen, and none can start
 * until the new credential is stored. Runs inside the transaction that stores it.
 */
export async function refuseIfCancelled(trx: Kysely<Schema>, clientId: string, what: string): Promise<void> {
  const agencyId = await agencyIdOfSystem(trx, clientId);
  if (!agencyId) throw new NotFoundError(`No system with client_id ${clientId}.`);
  const agencyStatus = await shareAgencyStatus(trx, agencyId);
  const systemStatus = await lockSystemStatus(trx, clientId);
  if (systemStatus === 'cancelled' || agencyStatus === 'cancelled') {
    throw new ConflictError('cancelled', `System ${clientId} is cancelled, and cancellation is final: it gets no new ${what}.`);
  }
}
