import type { Kysely } from 'kysely';
import { findAgencyStatus } from '../agencies/queries.ts';
import { recordAuditEvent } from '../audit/record.ts';
import type { Schema } from '../db/schema.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.ts';
import { findCitizen } from '../registry/queries.ts';
import { isValidPid } from '../registry/pid.ts';
import {
  activeAgenciesNotAccepting,
  findAcceptance,
  insertAcceptanceOfCurrent,
  listAcceptances,
  listAcceptancesOf,
  type AcceptanceWithAgency,
  type AgencyPendingAcceptance,
  type ConditionsAcceptance,
} from './acceptance-queries.ts';
import { currentConditions, type ConditionsVersion } from './queries.ts';
import { isUuid } from '../db/uuid.ts';

/*
 * Agencies accept the conditions of use (clause 5 of the announcements), each version as DOPA publishes it. An
 * agency that has not accepted the current version (one registered before any acceptance was recorded included)
 * shows as not yet accepted; the portal asks its administrator to accept, with conditionsToAcceptFor. The portal
 * checks that the citizen administers the agency before it calls acceptConditions.
 */

async function agencyOf(db: Kysely<Schema>, agencyId: string) {
  const agency = isUuid(agencyId) ? await findAgencyStatus(db, agencyId) : undefined;
  if (!agency) throw new NotFoundError(`No agency with id ${agencyId}.`);
  return agency;
}

/** The current version when the agency has not accepted it; undefined once it has. */
export async function conditionsToAcceptFor(db: Kysely<Schema>, agencyId: string): Promise<ConditionsVersion | undefined> {
  await agencyOf(db, agencyId);
  const current = await currentConditions(db);
  return (await findAcceptance(db, agencyId, current.version)) ? undefined : current;
}

export interface AcceptanceResult extends ConditionsAcceptance {
  /** True when the agency had accepted this version before: nothing new was recorded. */
  alreadyAccepted: boolean;
}

/**
 * Records that the citizen `pid`, as the agency's administrator, accepted `version` of the conditions on its
 * behalf, with its audit record in the same transaction. Only the current version can be accepted: an older one
 * (a page shown before a new publication) is refused, naming the current one, even by an agency that accepted it
 * while it was current. Accepting the current version again records nothing and returns the first acceptance. A
 * cancelled agency accepts nothing.
 */
export async function acceptConditions(
  db: Kysely<Schema>,
  agencyId: string,
  pid: string,
  version: number,
  requestId: string | null = null,
): Promise<AcceptanceResult> {
  if (!isValidPid(pid)) throw new InvalidRequestError(`${pid} is not a valid citizen ID: 13 digits with a correct check digit.`);
  if (!Number.isSafeInteger(version) || version < 1) throw new InvalidRequestError(`The version must be a whole number from 1; ${version} is not.`);
  return db.transaction().execute(async (trx) => {
    const agency = await agencyOf(trx, agencyId);
    if (agency.status === 'cancelled') throw new ConflictError('cancelled', `Agency ${agencyId} is cancelled; it no longer accepts conditions.`);
    if (!(await findCitizen(trx, pid))) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
    const accepted = await insertAcceptanceOfCurrent(trx, { agencyId, version, pid });
    if (accepted) {
      await recordAuditEvent(trx, {
        actor: { kind: 'agency', pid, role: 'agency_admin' },
        action: 'conditions.accept',
        target: { kind: 'agency', id: agencyId },
        after: { version },
        requestId,
      });
      return { ...accepted, alreadyAccepted: false };
    }
    const current = await currentConditions(trx);
    if (version > current.version) {
      throw new NotFoundError(`No version ${version} of the conditions has been published; the current one is version ${current.version}.`);
    }
    if (version < current.version) {
      throw new ConflictError(
        'conditions_superseded',
        `Version ${version} of the conditions is no longer current: version ${current.version} replaced it. Read version ${current.version} and accept that one.`,
      );
    }
    const earlier = await findAcceptance(trx, agencyId, version);
    if (!earlier) throw new Error(`The acceptance of version ${version} by agency ${agencyId} was neither recorded nor found`);
    return { ...earlier, alreadyAccepted: true };
  });
}

/** The staff's picture: the current version, who accepted which version when, and who has not accepted the current one. */
export interface AcceptanceOverview {
  current: ConditionsVersion;
  /** Every acceptance, of every version, newest first. */
  acceptances: AcceptanceWithAgency[];
  /** Active agencies that have not accepted the current version, oldest first. */
  pending: AgencyPendingAcceptance[];
}

export async function acceptanceOverview(db: Kysely<Schema>): Promise<AcceptanceOverview> {
  const current = await currentConditions(db);
  const [acceptances, pending] = await Promise.all([listAcceptances(db), activeAgenciesNotAccepting(db, current.version)]);
  return { current, acceptances, pending };
}

/** Which versions an agency accepted, when and by whom, newest version first: for its portal and for staff. */
export async function acceptancesOf(db: Kysely<Schema>, agencyId: string): Promise<ConditionsAcceptance[]> {
  await agencyOf(db, agencyId);
  return listAcceptancesOf(db, agencyId);
}
