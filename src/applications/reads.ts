import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { assertApplicationAccess, noSuchApplication } from './access.ts';
import type { ApplicationActor } from './actors.ts';
import { missingForSubmission, type ApplicationForm } from './form.ts';
import type { Preparation } from './preparation.ts';
import { listLetterRows } from './letter-queries.ts';
import { eventsOf, findApplication, listApplicationRows, type ApplicationFilter } from './queries.ts';
import { editableStatuses } from './transitions.ts';
import { toEvent, toLetter, toSummary, type ApplicationDetail, type ApplicationSummary } from './views.ts';

/** One application with its whole history and its letters, if the actor may read it (not_found otherwise). */
export async function showApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string): Promise<ApplicationDetail> {
  const row = await findApplication(db, id);
  if (!row) throw noSuchApplication(id);
  await assertApplicationAccess(db, actor, row);
  const events = (await eventsOf(db, id)).map(toEvent);
  const form = row.form as ApplicationForm;
  // The latest preparation holds while prepared, and is what an approval permitted; a return sets it aside.
  const lastPreparing = events.findLast((e) => e.transition === 'prepare' || e.transition === 'return');
  const preparation: Preparation | null =
    (row.status === 'prepared' || row.status === 'approved') && lastPreparing?.transition === 'prepare' ? lastPreparing.preparation : null;
  return {
    ...toSummary(row),
    form,
    missing: editableStatuses.includes(row.status) ? missingForSubmission(form, row.origin) : [],
    preparation,
    events,
    letters: (await listLetterRows(db, { applicationId: id })).map(toLetter),
  };
}

/** Applications, newest first: all of them for staff and the admin token; for a citizen, theirs and their agencies'. */
export async function listApplications(
  db: Kysely<Schema>,
  actor: ApplicationActor,
  filter: Omit<ApplicationFilter, 'visibleTo'> = {},
): Promise<ApplicationSummary[]> {
  const rows = await listApplicationRows(db, { ...filter, ...(actor.kind === 'agency' ? { visibleTo: actor.pid } : {}) });
  return rows.map(toSummary);
}
