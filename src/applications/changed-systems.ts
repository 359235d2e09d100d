import type { Kysely } from 'kysely';
import { systemPermissionsOfAgency } from '../agencies/queries.ts';
import type { Schema, Status } from '../db/schema.ts';
import { isUuid } from '../db/uuid.ts';
import { AppError } from '../errors.ts';

/*
 * The existing systems a change of an agency asks more for. A change extends only its agency's own systems, and
 * never a cancelled one (cancellation is final: the agency asks for a new system instead). That is checked when
 * the form is saved and submitted, for the systems a preparation permits, and at the approval on the locked rows.
 */

/** An existing system as a change finds it: what it is permitted now, which the change adds to. */
export interface ExistingSystem {
  name: string;
  status: Status;
  redirectUris: string[];
  /** Its data items; openid is always given and not listed. */
  dataItems: string[];
  dailyQuota: number | null;
}

export type ExistingSystems = ReadonlyMap<string, ExistingSystem>;

/** The agency's systems, by client_id; none when there is no agency (yet). */
export async function existingSystems(db: Kysely<Schema>, agencyId: string | null): Promise<ExistingSystems> {
  if (agencyId === null || !isUuid(agencyId)) return new Map();
  const rows = await systemPermissionsOfAgency(db, agencyId);
  return new Map(
    rows.map((r) => [
      r.client_id,
      { name: r.name, status: r.status, redirectUris: r.redirect_uris, dataItems: r.scopes.filter((scope) => scope !== 'openid'), dailyQuota: r.daily_quota },
    ]),
  );
}

/**
 * A change names a system it may not extend: not one of its agency's (not_agency_system, 400), or a cancelled
 * one (system_cancelled, 409). The message names each, by where the form names it.
 */
export class UnchangeableSystemError extends AppError {
  constructor(code: 'not_agency_system' | 'system_cancelled', message: string) {
    super(code === 'system_cancelled' ? 409 : 400, code, message);
  }
}

/** Where a form or a preparation names an existing system: `at` is the field, such as systems.1.clientId. */
export interface NamedSystem {
  at: string;
  clientId: string;
}

/** A named system a change may not extend, with why, in the words its field shows. */
export interface UnchangeableSystem extends NamedSystem {
  code: 'not_agency_system' | 'system_cancelled';
  problem: string;
}

/** The named systems a change may not extend: another agency's or unknown, and cancelled ones. */
export function unchangeableSystems(existing: ExistingSystems, named: readonly NamedSystem[]): UnchangeableSystem[] {
  return named.flatMap((s): UnchangeableSystem[] => {
    const system = existing.get(s.clientId);
    if (!system) return [{ ...s, code: 'not_agency_system', problem: `${s.clientId} is not a system of the agency` }];
    if (system.status === 'cancelled') return [{ ...s, code: 'system_cancelled', problem: `${s.clientId} (${system.name}) is cancelled` }];
    return [];
  });
}

/** Refuses systems of another agency, unknown ones, and cancelled ones, naming every one. */
export function refuseUnchangeableSystems(existing: ExistingSystems, named: readonly NamedSystem[]): void {
  const refused = unchangeableSystems(existing, named);
  const listed = (code: UnchangeableSystem['code']) => refused.filter((s) => s.code === code).map((s) => `${s.at}: ${s.problem}`).join('; ');
  if (refused.some((s) => s.code === 'not_agency_system')) {
    throw new UnchangeableSystemError('not_agency_system', `The change names systems its agency does not have: ${listed('not_agency_system')}.`);
  }
  if (refused.length > 0) {
    throw new UnchangeableSystemError(
      'system_cancelled',
      `The change names cancelled systems, and cancellation is final: ${listed('system_cancelled')}. ` +
        'A change cannot extend a cancelled system: leave it out, or ask for a new system instead.',
    );
  }
}

/** The existing systems a form names, where it names them. */
export const systemsNamedBy = (systems: readonly { clientId?: string | undefined }[] | undefined): NamedSystem[] =>
  (systems ?? []).flatMap((s, i) => (s.clientId === undefined ? [] : [{ at: `systems.${i}.clientId`, clientId: s.clientId }]));
