import type { Kysely } from 'kysely';
import type { ApplicationForm } from '../applications/form.ts';
import { existingSystems, systemsNamedBy, unchangeableSystems } from '../applications/changed-systems.ts';
import type { Schema } from '../db/schema.ts';
import type { FieldProblem } from './agency-form-check.ts';

/*
 * A change's system fields naming a system it may not extend (one cancelled, or not the agency's), as problems of
 * those fields. The form page leaves them out of what it saves and shows them again with their problem, as it does
 * a value the schema refuses, so the rest of what was typed is saved rather than the whole form refused.
 */

const fieldProblem: Record<'not_agency_system' | 'system_cancelled', (clientId: string, name: string | undefined) => string> = {
  not_agency_system: (clientId) => `${clientId} is not a system of the agency: choose one of its systems, or ask for a new system`,
  system_cancelled: (clientId, name) => `${clientId} (${name}) is cancelled, and cancellation is final: take it out of the change, or ask for a new system instead`,
};

export async function unchangeableSystemFields(db: Kysely<Schema>, agencyId: string | undefined, form: ApplicationForm): Promise<FieldProblem[]> {
  if (form.kind !== 'change') return [];
  const existing = await existingSystems(db, agencyId ?? null);
  return unchangeableSystems(existing, systemsNamedBy(form.systems)).map((s) => ({
    key: s.at,
    en: fieldProblem[s.code](s.clientId, existing.get(s.clientId)?.name),
  }));
}
