import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApplicationEventsTable, ApplicationStatus, ApplicationsTable, Schema } from '../db/schema.ts';
import type { ApplicationForm, ApplicationOrigin } from './form.ts';
import { isUuid } from '../db/uuid.ts';

/*
 * The statements of applications and their events (migration 0021); those of permission letters are in
 * letter-queries.ts. Events are only inserted; an application's status is moved by its event's trigger, never set
 * here.
 */

export type ApplicationRow = Selectable<ApplicationsTable>;
export type ApplicationEventRow = Selectable<ApplicationEventsTable>;

/** Runs `work` in the caller's transaction, or in a new one. */
export const inTransaction = <T>(db: Kysely<Schema>, work: (trx: Kysely<Schema>) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

/** The columns an application's form decides. */
export interface FormColumns {
  kind: 'new' | 'change';
  agencyId: string | null;
  administratorPid: string | null;
  form: ApplicationForm;
}

export async function insertApplication(db: Kysely<Schema>, origin: ApplicationOrigin, columns: FormColumns): Promise<ApplicationRow> {
  return db
    .insertInto('applications')
    .values({
      origin,
      kind: columns.kind,
      agency_id: columns.agencyId,
      administrator_pid: columns.administratorPid,
      form: JSON.stringify(columns.form),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateApplicationForm(db: Kysely<Schema>, id: string, columns: FormColumns): Promise<ApplicationRow> {
  return db
    .updateTable('applications')
    .set({
      kind: columns.kind,
      agency_id: columns.agencyId,
      administrator_pid: columns.administratorPid,
      form: JSON.stringify(columns.form),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The agency a new application's approval created. */
export async function setApplicationAgency(db: Kysely<Schema>, id: string, agencyId: string): Promise<void> {
  await db.updateTable('applications').set({ agency_id: agencyId }).where('id', '=', id).execute();
}

/** One application, locked for the transaction's change when `forUpdate`. */
export async function findApplication(db: Kysely<Schema>, id: string, options: { forUpdate?: boolean } = {}): Promise<ApplicationRow | undefined> {
  if (!isUuid(id)) return undefined;
  let query = db.selectFrom('applications').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export interface NewApplicationEvent {
  applicationId: string;
  transition: ApplicationEventRow['transition'];
  from: ApplicationStatus | null;
  to: ApplicationStatus;
  actor: { actor_kind: ApplicationEventRow['actor_kind']; actor_pid: string | null; actor_role: string | null };
  message?: string | undefined;
  reasons?: string[] | undefined;
  form?: ApplicationForm | undefined;
  preparation?: unknown;
  letterNumber?: string | undefined;
}

/** Inserts a transition's event; its trigger moves the application's status. */
export async function insertApplicationEvent(db: Kysely<Schema>, event: NewApplicationEvent): Promise<ApplicationEventRow> {
  return db
    .insertInto('application_events')
    .values({
      application_id: event.applicationId,
      transition: event.transition,
      from_status: event.from,
      to_status: event.to,
      ...event.actor,
      message: event.message ?? null,
      reasons: event.reasons ?? null,
      form: event.form === undefined ? null : JSON.stringify(event.form),
      preparation: event.preparation === undefined ? null : JSON.stringify(event.preparation),
      letter_number: event.letterNumber ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An application's events, oldest first: its whole history. */
export async function eventsOf(db: Kysely<Schema>, applicationId: string): Promise<ApplicationEventRow[]> {
  return db.selectFrom('application_events').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
}

/** The id of an application's newest event: what a page showing the application showed it as of. */
export async function newestEventId(db: Kysely<Schema>, applicationId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('application_events')
    .select('id')
    .where('application_id', '=', applicationId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : String(row.id);
}

/** The newest event of one transition of an application. */
export async function latestEvent(
  db: Kysely<Schema>,
  applicationId: string,
  transition: ApplicationEventRow['transition'],
): Promise<ApplicationEventRow | undefined> {
  return db
    .selectFrom('application_events')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('transition', '=', transition)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface ApplicationFilter {
  status?: ApplicationStatus | undefined;
  agencyId?: string | undefined;
  /** Words in the agency's names or abbreviations, Thai or English. */
  text?: string | undefined;
  /** Only these applications' agencies or administrator: what an agency's administrator may see. */
  visibleTo?: string | undefined;
  limit?: number | undefined;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Applications, newest first. */
export async function listApplicationRows(db: Kysely<Schema>, filter: ApplicationFilter): Promise<ApplicationRow[]> {
  let query = db.selectFrom('applications').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.agencyId !== undefined) {
    if (!isUuid(filter.agencyId)) return [];
    query = query.where('agency_id', '=', filter.agencyId);
  }
  if (filter.text !== undefined) {
    const pattern = likePattern(filter.text.trim());
    query = query.where((eb) =>
      eb.or(
        ['nameTh', 'nameEn', 'abbreviationTh', 'abbreviationEn'].map((field) =>
          eb(sql<string>`form -> 'agency' ->> ${sql.lit(field)}`, 'ilike', pattern),
        ),
      ),
    );
  }
  if (filter.visibleTo !== undefined) {
    const pid = filter.visibleTo;
    query = query.where((eb) => eb.or([eb('administrator_pid', '=', pid), eb('agency_id', 'in', administeredAgencyIds(db, pid))]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 200).execute();
}

/**
 * The agencies a citizen administers: those with an approved application, or a draft, naming them as its
 * administrator.
 */
export const administeredAgencyIds = (db: Kysely<Schema>, pid: string) =>
  db
    .selectFrom('applications as own')
    .select('own.agency_id')
    .where('own.administrator_pid', '=', pid)
    .where('own.status', 'in', ['approved', 'draft'])
    .where('own.agency_id', 'is not', null)
    .$narrowType<{ agency_id: string }>();

export async function agenciesAdministeredByRows(db: Kysely<Schema>, pid: string) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name_th', 'name_en', 'status'])
    .where('id', 'in', administeredAgencyIds(db, pid))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Whether the citizen administers the agency. */
export async function administers(db: Kysely<Schema>, pid: string, agencyId: string): Promise<boolean> {
  if (!isUuid(agencyId)) return false;
  const row = await administeredAgencyIds(db, pid).where('own.agency_id', '=', agencyId).limit(1).executeTakeFirst();
  return row !== undefined;
}
