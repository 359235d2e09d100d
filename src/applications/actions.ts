import { applyDueStatusChanges } from '../agencies/status-changes.ts';
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../audit/record.ts';
import type { ApplicationTransition, Schema } from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import { auditActorOf, type ActingRole, type ApplicationActor } from './actors.ts';
import { approveStep, type IssuedCredentials } from './approval.ts';
import type { ApplicationForm } from './form.ts';
import type { PreparationInput } from './preparation.ts';
import { findApplication, inTransaction, newestEventId, type ApplicationRow } from './queries.ts';
import { showApplication } from './reads.ts';
import { createStep, prepareStep, rejectStep, requestChangesStep, returnStep, submitStep, updateStep } from './steps.ts';
import type { ApplicationDetail, PermissionLetter } from './views.ts';

/*
 * What pages and routes call to act on an application. Each action is one transaction: its writes, its event and
 * its audit record (for the admin token, staff and agencies' administrators; a first start is not audited). Each
 * answers with the application as it is afterwards, read as the actor may read it.
 */

export interface ActionContext {
  /** The request the action came in, for the audit record. */
  requestId?: string | null | undefined;
  /**
   * The application's newest event when the page acted on was shown: a staff decision is taken on what the page
   * showed, so one taken after the application moved on (prepared again by someone else, say) is refused.
   */
  seenEvent?: string | undefined;
}

/** Locks the application, and refuses the action if it changed after the page that asked for it was shown. */
async function refuseIfChangedSince(trx: Kysely<Schema>, id: string, context: ActionContext): Promise<void> {
  if (context.seenEvent === undefined) return;
  await findApplication(trx, id, { forUpdate: true });
  const newest = await newestEventId(trx, id);
  if (newest !== undefined && newest !== context.seenEvent) {
    throw new ConflictError('application_changed', `Application ${id} changed after the page you acted on was shown: read it again, then act on what it shows now.`);
  }
}

async function audit(
  trx: Kysely<Schema>,
  actor: ApplicationActor,
  role: ActingRole,
  action: ApplicationTransition | 'update',
  application: ApplicationRow,
  after: Record<string, unknown>,
  context: ActionContext,
): Promise<void> {
  const auditActor = auditActorOf(actor, role);
  if (!auditActor) return;
  await recordAuditEvent(trx, {
    actor: auditActor,
    action: `application.${action}`,
    target: { kind: 'application', id: application.id },
    before: action === 'create' ? null : { status: application.status },
    after,
    requestId: context.requestId ?? null,
  });
}

/**
 * A cancellation that fell due acts at once (the active_systems view) but reaches a system's status only when
 * applied: the steps that check which systems a change may name read the status, so what is due is applied first.
 */
const applyDueCancellations = (db: Kysely<Schema>) => applyDueStatusChanges(db);

const roleOf = (actor: ApplicationActor): ActingRole => (actor.kind === 'agency' ? 'agency_admin' : actor.kind === 'staff' ? 'reviewer' : actor.kind);

/** Starts an application as a draft: by a citizen in the agency portal, who becomes its administrator, or by the admin token. */
export async function createApplication(db: Kysely<Schema>, actor: ApplicationActor, form: ApplicationForm, context: ActionContext = {}): Promise<ApplicationDetail> {
  await applyDueCancellations(db);
  const id = await inTransaction(db, async (trx) => {
    const application = await createStep(trx, actor, form, 'form');
    await audit(trx, actor, roleOf(actor), 'create', application, { status: 'draft', kind: application.kind, agencyId: application.agency_id, administratorPid: application.administrator_pid }, context);
    return application.id;
  });
  return showApplication(db, actor, id);
}

/** Replaces the form of a draft (or of an application sent back for changes). */
export async function updateApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string, form: ApplicationForm, context: ActionContext = {}): Promise<ApplicationDetail> {
  await applyDueCancellations(db);
  await inTransaction(db, async (trx) => {
    const { before, after } = await updateStep(trx, actor, id, form);
    await audit(trx, actor, roleOf(actor), 'update', before, { status: after.status, administratorPid: after.administrator_pid }, context);
  });
  return showApplication(db, actor, id);
}

/** Submits the application: its form must be complete and accept the conditions of use in force. */
export async function submitApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string, context: ActionContext = {}): Promise<ApplicationDetail> {
  await applyDueCancellations(db);
  await inTransaction(db, async (trx) => {
    const begun = await submitStep(trx, actor, id);
    const form = begun.application.form as ApplicationForm;
    await audit(trx, actor, begun.role, 'submit', begun.application, { status: 'submitted', conditionsVersion: form.conditionsVersion }, context);
  });
  return showApplication(db, actor, id);
}

/** A reviewer sends a submitted application back to its administrator, saying what to change. */
export async function requestChanges(db: Kysely<Schema>, actor: ApplicationActor, id: string, message: string, context: ActionContext = {}): Promise<ApplicationDetail> {
  await inTransaction(db, async (trx) => {
    await refuseIfChangedSince(trx, id, context);
    const begun = await requestChangesStep(trx, actor, id, message);
    await audit(trx, actor, begun.role, 'request_changes', begun.application, { status: 'changes_requested', message }, context);
  });
  return showApplication(db, actor, id);
}

/** Rejects a submitted or prepared application, for good, with reasons. */
export async function rejectApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string, reasons: string[], context: ActionContext = {}): Promise<ApplicationDetail> {
  await inTransaction(db, async (trx) => {
    await refuseIfChangedSince(trx, id, context);
    const begun = await rejectStep(trx, actor, id, reasons);
    await audit(trx, actor, begun.role, 'reject', begun.application, { status: 'rejected', reasons }, context);
  });
  return showApplication(db, actor, id);
}

/** A reviewer prepares what the approval will permit. */
export async function prepareApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string, input: PreparationInput, context: ActionContext = {}): Promise<ApplicationDetail> {
  await applyDueCancellations(db);
  await inTransaction(db, async (trx) => {
    await refuseIfChangedSince(trx, id, context);
    const begun = await prepareStep(trx, actor, id, input);
    await audit(trx, actor, begun.role, 'prepare', begun.application, { status: 'prepared', preparation: begun.preparation }, context);
  });
  return showApplication(db, actor, id);
}

/** Sends a prepared application back to submitted, to be prepared again (or rejected). */
export async function returnApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string, message: string, context: ActionContext = {}): Promise<ApplicationDetail> {
  await inTransaction(db, async (trx) => {
    await refuseIfChangedSince(trx, id, context);
    const begun = await returnStep(trx, actor, id, message);
    await audit(trx, actor, begun.role, 'return', begun.application, { status: 'submitted', message }, context);
  });
  return showApplication(db, actor, id);
}

export interface Approval {
  application: ApplicationDetail;
  letter: PermissionLetter;
  /** The new systems' credentials: shown this once, only their hashes are kept. */
  credentials: IssuedCredentials[];
}

/** An approver (not the one who prepared it) approves a prepared application: the agency, its systems and the letter. */
export async function approveApplication(db: Kysely<Schema>, actor: ApplicationActor, id: string, context: ActionContext = {}): Promise<Approval> {
  await applyDueCancellations(db);
  const outcome = await inTransaction(db, async (trx) => {
    await refuseIfChangedSince(trx, id, context);
    const approved = await approveStep(trx, actor, id);
    await audit(
      trx,
      actor,
      approved.role,
      'approve',
      approved.application,
      {
        status: 'approved',
        agencyId: approved.agencyId,
        letterNumber: approved.letter.number,
        systems: approved.systemChanges,
      },
      context,
    );
    return approved;
  });
  return { application: await showApplication(db, actor, id), letter: outcome.letter, credentials: outcome.credentials };
}
