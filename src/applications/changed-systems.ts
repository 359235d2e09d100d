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

/** Refuses systems of another agency, unknown ones, and cancelled ones, naming every one. */
export function refuseUnchangeableSystems(existing: ExistingSystems, named: readonly NamedSystem[]): void {
  const unknown = named.filter((s) => !existing.has(s.clientId));
  if (unknown.length > 0) {
    throw new UnchangeableSystemError(
      'not_agency_system',
      `The change names systems its agency does not have: ${unknown.map((s) => `${s.at}: ${s.clientId} is not a system of the agency`).join('; ')}.`,
    );
  }
  const cancelled = named.filter((s) => existing.get(s.clientId)!.status === 'cancelled');
  if (cancelled.length > 0) {
    throw new UnchangeableSystemError(
      'system_cancelled',
      `The change names cancelled systems, and cancellation is final: ${cancelled.map((s) => `${s.at}: ${s.clientId} (${existing.get(s.clientId)!.name}) is cancelled`).join('; ')}. ` +
        'A change cannot extend a cancelled system: leave it out, or ask for a new system instead.',
    );
  }
}

/** The existing systems a form names, where it names them. */
export const systemsNamedBy = (systems: readonly { clientId?: string | undefined }[] | undefined): NamedSystem[] =>
  (systems ?? []).flatMap((s, i) => (s.clientId === undefined ? [] : [{ at: `systems.${i}.clientId`, clientId: s.clientId }]));
