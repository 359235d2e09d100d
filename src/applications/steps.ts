import type { Kysely } from 'kysely';
import { findAgencyStatus } from '../agencies/queries.ts';
import { currentConditions } from '../conditions/queries.ts';
import type { ApplicationTransition, Schema } from '../db/schema.ts';
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from '../errors.ts';
import { findCitizen } from '../registry/queries.ts';
import { rolesOf } from '../staff/roles.ts';
import { assertApplicationAccess, mayActForAgency, noSuchAgency, noSuchApplication } from './access.ts';
import { eventActorOf, type ActingRole, type ApplicationActor } from './actors.ts';
import { missingForSubmission, type ApplicationForm, type ApplicationOrigin } from './form.ts';
import { existingSystems, refuseUnchangeableSystems, systemsNamedBy } from './changed-systems.ts';
import { resolvePreparation, type Preparation, type PreparationInput } from './preparation.ts';
import {
  administers,
  findApplication,
  insertApplication,
  insertApplicationEvent,
  updateApplicationForm,
  type ApplicationRow,
  type FormColumns,
  type NewApplicationEvent,
} from './queries.ts';
import { actingRole, applicationTransitions, checkFrom, editableStatuses } from './transitions.ts';

/*
 * The steps of an application's life, each inside a transaction it is given: they check who acts and from which
 * status, write, and insert the transition's event. They record no audit row: actions.ts wraps each in its own
 * transaction with its audit record, and the sandbox registration runs several as one action.
 */

/** An application locked for the transition, and the role the actor makes it in. */
export interface Begun {
  application: ApplicationRow;
  role: ActingRole;
}

/**
 * Locks the application and checks the actor may make the transition from its status. To an agency's
 * administrator another agency's application does not exist.
 */
export async function beginTransition(trx: Kysely<Schema>, actor: ApplicationActor, id: string, transition: ApplicationTransition): Promise<Begun> {
  const application = await findApplication(trx, id, { forUpdate: true });
  if (!application) throw noSuchApplication(id);
  await assertApplicationAccess(trx, actor, application);
  const roles = actor.kind === 'staff' ? await rolesOf(trx, actor.pid) : [];
  const administersApplicant = actor.kind === 'staff' && application.agency_id !== null && (await administers(trx, actor.pid, application.agency_id));
  const role = actingRole(transition, actor, application.administrator_pid, roles, administersApplicant);
  checkFrom(transition, application.status, id);
  return { application, role };
}

type EventContent = Pick<NewApplicationEvent, 'message' | 'reasons' | 'form' | 'preparation' | 'letterNumber'>;

/** Inserts the transition's event, which moves the application's status. */
export async function recordTransition(
  trx: Kysely<Schema>,
  begun: Begun,
  transition: ApplicationTransition,
  actor: ApplicationActor,
  content: EventContent = {},
): Promise<void> {
  await insertApplicationEvent(trx, {
    applicationId: begun.application.id,
    transition,
    from: transition === 'create' ? null : begun.application.status,
    to: applicationTransitions[transition].to,
    actor: eventActorOf(actor, begun.role),
    ...content,
  });
}

/**
 * The columns the form decides, once checked against the database: the administrator (the acting citizen in the
 * portal; otherwise the citizen the form names, who must be in the registry) and, for a change, the agency,
 * which the acting citizen must administer, and the existing systems it names, which must be the agency's and
 * not cancelled: a draft that could never be approved is refused as it is saved.
 */
async function formColumns(trx: Kysely<Schema>, actor: ApplicationActor, form: ApplicationForm, origin: ApplicationOrigin): Promise<FormColumns> {
  let administratorPid = form.administrator?.pid ?? null;
  if (actor.kind === 'agency') {
    if (administratorPid !== null && administratorPid !== actor.pid) {
      throw new InvalidRequestError(`administrator.pid: is ${administratorPid}, but you are ${actor.pid}: the administrator named on your application is you.`);
    }
    administratorPid = actor.pid;
    form = { ...form, administrator: { ...form.administrator, pid: actor.pid } };
  }
  if (administratorPid === null && origin === 'form') {
    throw new InvalidRequestError('administrator.pid: is required: the citizen ID of the agency’s administrator, who acts for it in the agency portal.');
  }
  if (administratorPid !== null && !(await findCitizen(trx, administratorPid))) {
    throw new NotFoundError(`administrator.pid: no citizen with ID ${administratorPid} in the registry.`);
  }
  let agencyId: string | null = null;
  if (form.kind === 'change') {
    if (form.agencyId === undefined) throw new InvalidRequestError('agencyId: is required for a change: the agency it changes.');
    const agency = await findAgencyStatus(trx, form.agencyId);
    if (!agency || !(await mayActForAgency(trx, actor, agency.id))) throw noSuchAgency(form.agencyId);
    if (agency.status === 'cancelled') {
      throw new ConflictError('cancelled', `Agency ${agency.id} is cancelled, and cancellation is final: apply as a new agency instead.`);
    }
    agencyId = agency.id;
    refuseUnchangeableSystems(await existingSystems(trx, agencyId), systemsNamedBy(form.systems));
  }
  return { kind: form.kind, agencyId, administratorPid, form };
}

/** Starts an application as a draft. */
export async function createStep(trx: Kysely<Schema>, actor: ApplicationActor, form: ApplicationForm, origin: ApplicationOrigin): Promise<ApplicationRow> {
  const role = actingRole('create', actor, null);
  const application = await insertApplication(trx, origin, await formColumns(trx, actor, form, origin));
  await recordTransition(trx, { application, role }, 'create', actor);
  return application;
}

/** Replaces the form of a draft, or of an application sent back for changes: read-only after it is submitted. */
export async function updateStep(trx: Kysely<Schema>, actor: ApplicationActor, id: string, form: ApplicationForm): Promise<{ before: ApplicationRow; after: ApplicationRow }> {
  const before = await findApplication(trx, id, { forUpdate: true });
  if (!before) throw noSuchApplication(id);
  await assertApplicationAccess(trx, actor, before);
  if (!(actor.kind === 'admin_token' || (actor.kind === 'agency' && actor.pid === before.administrator_pid))) {
    throw new ForbiddenError('not_permitted', "Only the agency's administrator named on it, or the admin token, may edit an application.");
  }
  if (!editableStatuses.includes(before.status)) {
    throw new ConflictError(
      'read_only',
      `Application ${id} is ${before.status.replace('_', ' ')}: once submitted it is read-only to its administrator, until a reviewer asks for changes.`,
    );
  }
  if (form.kind !== before.kind) throw new InvalidRequestError(`kind: is ${form.kind}, but application ${id} is a ${before.kind === 'new' ? 'new agency' : 'change'}: start another application instead.`);
  const after = await updateApplicationForm(trx, id, await formColumns(trx, actor, form, before.origin));
  return { before, after };
}

/** Submits a complete form, accepting the conditions of use current now. */
export async function submitStep(trx: Kysely<Schema>, actor: ApplicationActor, id: string): Promise<Begun> {
  const begun = await beginTransition(trx, actor, id, 'submit');
  const form = begun.application.form as ApplicationForm;
  const missing = missingForSubmission(form, begun.application.origin);
  if (missing.length > 0) {
    throw new InvalidRequestError(`The application is not complete: ${missing.map((m) => `${m.path} ${m.message}`).join('; ')}.`, { missing });
  }
  const current = await currentConditions(trx);
  if (form.conditionsVersion !== current.version) {
    throw new ConflictError(
      'conditions_not_current',
      `The application accepts version ${form.conditionsVersion} of the conditions of use, but version ${current.version} is in force: read it, and accept version ${current.version}.`,
    );
  }
  // Checked again: a system may have been cancelled since the draft was saved.
  if (form.kind === 'change') refuseUnchangeableSystems(await existingSystems(trx, begun.application.agency_id), systemsNamedBy(form.systems));
  await recordTransition(trx, begun, 'submit', actor, { form });
  return begun;
}

export async function requestChangesStep(trx: Kysely<Schema>, actor: ApplicationActor, id: string, message: string): Promise<Begun> {
  const begun = await beginTransition(trx, actor, id, 'request_changes');
  await recordTransition(trx, begun, 'request_changes', actor, { message });
  return begun;
}

export async function rejectStep(trx: Kysely<Schema>, actor: ApplicationActor, id: string, reasons: string[]): Promise<Begun> {
  if (reasons.length === 0) throw new InvalidRequestError('reasons: give at least one reason for the rejection.');
  const begun = await beginTransition(trx, actor, id, 'reject');
  await recordTransition(trx, begun, 'reject', actor, { reasons });
  return begun;
}

export async function returnStep(trx: Kysely<Schema>, actor: ApplicationActor, id: string, message: string): Promise<Begun> {
  const begun = await beginTransition(trx, actor, id, 'return');
  await recordTransition(trx, begun, 'return', actor, { message });
  return begun;
}

/** Prepares what the approval will permit, among what the submitted form asked. */
export async function prepareStep(trx: Kysely<Schema>, actor: ApplicationActor, id: string, input: PreparationInput): Promise<Begun & { preparation: Preparation }> {
  const begun = await beginTransition(trx, actor, id, 'prepare');
  const form = begun.application.form as ApplicationForm;
  const existing = await existingSystems(trx, begun.application.agency_id);
  const preparation = resolvePreparation(form, input, existing);
  // A system cancelled since the submission may be left out of the preparation, but not permitted more.
  refuseUnchangeableSystems(existing, preparation.systems.flatMap((s) => (s.clientId === null ? [] : [{ at: `systems.${s.index}.clientId`, clientId: s.clientId }])));
  await recordTransition(trx, begun, 'prepare', actor, { preparation, message: preparation.note ?? undefined });
  return { ...begun, preparation };
}
