import type { Kysely } from 'kysely';
import { agencyExists, agencyIdOfSystem } from '../agencies/queries.ts';
import type { Schema, Status } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { ApplicationActor } from './actors.ts';
import { isUuid } from '../db/uuid.ts';
import type { PermissionLetterRow } from './letter-queries.ts';
import { administers, agenciesAdministeredByRows, listApplicationRows, type ApplicationRow } from './queries.ts';
import { toSummary, type ApplicationSummary } from './views.ts';

/*
 * What an agency's administrator may see and do. A citizen administers an agency while named as administrator on
 * an approved application (or a draft) of that agency; they see their own applications and those of the agencies
 * they administer, and nothing of any other agency: to them, another agency's application, system or letter does
 * not exist (the same not_found as an id that was never used). Staff and the admin token see everything.
 */

export interface AdministeredAgency {
  id: string;
  nameTh: string;
  nameEn: string;
  status: Status;
}

/** The agencies a citizen administers, oldest first. */
export async function agenciesAdministeredBy(db: Kysely<Schema>, pid: string): Promise<AdministeredAgency[]> {
  const rows = await agenciesAdministeredByRows(db, pid);
  return rows.map((row) => ({ id: row.id, nameTh: row.name_th, nameEn: row.name_en, status: row.status }));
}

/** A citizen's applications: those naming them as administrator and those of the agencies they administer, newest first. */
export async function applicationsOf(db: Kysely<Schema>, pid: string): Promise<ApplicationSummary[]> {
  return (await listApplicationRows(db, { visibleTo: pid })).map(toSummary);
}

/** Whether the actor may read this application: staff and the admin token always; a citizen, if it is theirs or their agency's. */
async function mayReadApplication(db: Kysely<Schema>, actor: ApplicationActor, application: ApplicationRow): Promise<boolean> {
  if (actor.kind !== 'agency') return true;
  if (application.administrator_pid === actor.pid) return true;
  return application.agency_id !== null && (await administers(db, actor.pid, application.agency_id));
}

/** Whether the actor may read or act for this agency (its systems, letters and notices). */
export async function mayActForAgency(db: Kysely<Schema>, actor: ApplicationActor, agencyId: string): Promise<boolean> {
  return actor.kind !== 'agency' || (await administers(db, actor.pid, agencyId));
}

export const noSuchApplication = (id: string) => new NotFoundError(`No application with id ${id}.`);
export const noSuchAgency = (id: string) => new NotFoundError(`No agency with id ${id}.`);
const noSuchSystem = (clientId: string) => new NotFoundError(`No system with client_id ${clientId}.`);
export const noSuchLetter = (number: string) => new NotFoundError(`No permission letter numbered ${number}.`);

/** Throws not_found unless the actor may read the application. */
export async function assertApplicationAccess(db: Kysely<Schema>, actor: ApplicationActor, application: ApplicationRow): Promise<void> {
  if (!(await mayReadApplication(db, actor, application))) throw noSuchApplication(application.id);
}

/** Throws not_found unless the agency exists and the actor may act for it. */
export async function assertAgencyAccess(db: Kysely<Schema>, actor: ApplicationActor, agencyId: string): Promise<void> {
  const exists = isUuid(agencyId) && (await agencyExists(db, agencyId));
  if (!exists || !(await mayActForAgency(db, actor, agencyId))) throw noSuchAgency(agencyId);
}

/**
 * Throws not_found unless the system exists and the actor may act for its agency: what the agency portal asks
 * before it shows a system or rotates its secret.
 */
export async function assertSystemAccess(db: Kysely<Schema>, actor: ApplicationActor, clientId: string): Promise<{ agencyId: string }> {
  const agencyId = await agencyIdOfSystem(db, clientId);
  if (!agencyId || !(await mayActForAgency(db, actor, agencyId))) throw noSuchSystem(clientId);
  return { agencyId };
}

/** Throws not_found unless the actor may read the letter. */
export async function assertLetterAccess(db: Kysely<Schema>, actor: ApplicationActor, letter: PermissionLetterRow): Promise<void> {
  if (!(await mayActForAgency(db, actor, letter.agency_id))) throw noSuchLetter(letter.number);
}
