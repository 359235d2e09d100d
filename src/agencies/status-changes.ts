import type { Kysely } from 'kysely';
import { recordAuditEvent, type AuditActor } from '../audit/record.ts';
import type { AgencyNoticeKind, Schema, Status } from '../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { administers } from '../applications/queries.ts';
import { withdrawOpenLogins } from '../login/queries.ts';
import { firstPartyRefusal } from './first-party-systems.ts';
import { lockAgency, lockAgencyStatus, lockSystemStatus } from './lock-queries.ts';
import {
  dueNotices,
  findScheduledChange,
  insertNotice,
  lockDueNoticesOf,
  lockNoticeStillToApply,
  lockNoticeWithDue,
  markNoticeApplied,
  markNoticeWithdrawn,
  type AgencyNoticeRow,
} from './notice-queries.ts';
import { thailandTime } from '../thailand-time.ts';
import { agencyIdOfSystem, cancellationIsFinal, setAgencyStatus, setSystemStatus } from './queries.ts';
import { isUuid } from '../db/uuid.ts';

/*
 * Suspending, cancelling and reinstating an agency or one of its systems, each with a written notice to the agency
 * (agency_notices, migration 0018). With notice 'after' the change is made at once and its notice delivered with it;
 * with notice 'before' the notice is delivered now and the change is scheduled for effectiveAt: the active_systems
 * view leaves the system out from that moment, and applyDueStatusChanges (the server's maintenance) applies it.
 * Every change, and every scheduling, records an audit event in its own transaction, and a system that stops being
 * active has its open sign-ins cancelled in that transaction.
 */

export type StatusTarget = { kind: 'agency' | 'system'; id: string };

export interface StatusChangeRequest {
  status: Status;
  reason: string;
  /** Required for a suspension or cancellation; a reinstatement's notice comes with it. */
  notice?: 'before' | 'after' | undefined;
  /** With notice 'before': when the change takes effect (in the future). */
  effectiveAt?: string | undefined;
}

const noticeKind: Record<Status, AgencyNoticeKind> = { suspended: 'suspension', cancelled: 'cancellation', active: 'reinstatement' };
const statusOfKind: Record<AgencyNoticeKind, Status> = { suspension: 'suspended', cancellation: 'cancelled', reinstatement: 'active' };
const verb: Record<Status, string> = { suspended: 'suspend', cancelled: 'cancel', active: 'reinstate' };

/**
 * No one decides the status of an agency they administer, as no one decides an application naming them: a member
 * of staff who is an agency's administrator in the portal neither suspends, reinstates nor cancels it or its
 * systems, nor withdraws a change scheduled for them. Checked in the change's transaction.
 */
async function refuseOwnAgency(trx: Kysely<Schema>, actor: AuditActor, agencyId: string): Promise<void> {
  if (actor.kind === 'staff' && (await administers(trx, actor.pid, agencyId))) {
    throw new ForbiddenError(
      'own_agency',
      `No one changes the status of an agency they administer: you are an administrator of agency ${agencyId}, so another member of staff must change it or its systems.`,
    );
  }
}

const describe = (t: StatusTarget) => (t.kind === 'agency' ? `Agency ${t.id}` : `System ${t.id}`);

async function currentOf(db: Kysely<Schema>, target: StatusTarget): Promise<{ status: Status; agencyId: string; agencyStatus: Status } | undefined> {
  if (target.kind === 'agency') {
    if (!isUuid(target.id)) return undefined;
    const row = await lockAgency(db, target.id);
    return row && { status: row.status, agencyId: row.id, agencyStatus: row.status };
  }
  // The agency's row is locked before the system's, in the order an approval of a change locks them: the other
  // order could deadlock with it. A system never moves to another agency, so its agency is read without a lock.
  const agencyId = await agencyIdOfSystem(db, target.id);
  if (!agencyId) return undefined;
  const agencyStatus = await lockAgencyStatus(db, agencyId);
  const status = await lockSystemStatus(db, target.id);
  return { status, agencyId, agencyStatus };
}

/** The status itself, and the open sign-ins ended when the target stops being active. */
async function apply(trx: Kysely<Schema>, target: StatusTarget, status: Status): Promise<void> {
  if (target.kind === 'system') await setSystemStatus(trx, target.id, status);
  else await setAgencyStatus(trx, target.id, status);
  if (status !== 'active') await withdrawOpenLogins(trx, target.kind === 'system' ? { clientId: target.id } : { agencyId: target.id });
}

/**
 * Changes (or schedules a change of) the status of an agency or system; throws NotFoundError or ConflictError.
 * `actor` is who the audit log names: the admin token, or a member of staff acting in the console.
 */
export async function changeStatus(
  db: Kysely<Schema>,
  target: StatusTarget,
  request: StatusChangeRequest,
  requestId: string | null,
  actor: AuditActor = { kind: 'admin_token' },
) {
  const firstParty = request.status === 'active' ? undefined : firstPartyRefusal(target);
  if (firstParty) throw new ConflictError('first_party', firstParty);
  return db.transaction().execute(async (trx) => {
    await applyDueChangesOf(trx, target);
    const current = await currentOf(trx, target);
    if (!current) throw new NotFoundError(`${describe(target)} does not exist.`);
    await refuseOwnAgency(trx, actor, current.agencyId);
    if (current.status === 'cancelled') {
      throw cancellationIsFinal(describe(target), target.kind);
    }
    // A cancelled agency's systems can never act again: a change of one of them would only send its agency notices.
    if (current.agencyStatus === 'cancelled') {
      throw new ConflictError('cancelled', `${describe(target)} belongs to agency ${current.agencyId}, which is cancelled, and cancellation is final: its systems change no more.`);
    }
    if (current.status === request.status) throw new ConflictError('no_change', `${describe(target)} is already ${request.status}.`);
    const scheduled = request.notice === 'before';
    if (scheduled) {
      const pending = await findScheduledChange(trx, target);
      if (pending) {
        throw new ConflictError(
          'change_scheduled',
          `${describe(target)} already has a ${pending.kind} scheduled for ${thailandTime(pending.effective_at)} (Thailand time); wait until it takes effect, or withdraw it first.`,
        );
      }
    } else {
      await apply(trx, target, request.status);
    }
    const notice = await insertNotice(trx, {
      agencyId: current.agencyId,
      clientId: target.kind === 'system' ? target.id : null,
      kind: noticeKind[request.status],
      reason: request.reason,
      notice: request.notice ?? 'after',
      scheduled,
      effectiveAt: request.effectiveAt,
    });
    await recordAuditEvent(trx, {
      actor,
      action: `${target.kind}.${verb[request.status]}${scheduled ? '.schedule' : ''}`,
      target: { kind: target.kind, id: target.id },
      before: { status: current.status },
      after: {
        status: scheduled ? current.status : request.status,
        ...(scheduled ? { scheduledStatus: request.status } : {}),
        reason: request.reason,
        notice: notice.notice,
        noticeId: notice.id,
        effectiveAt: notice.effectiveAt,
      },
      requestId,
    });
    return { target, previousStatus: current.status, status: scheduled ? current.status : request.status, scheduled, notice };
  });
}

/**
 * Applies the scheduled changes that are due (the server's maintenance, and its start): each in its own
 * transaction with its audit record. A notice another process is applying at that moment is skipped. Returns how
 * many changed a status.
 */
export async function applyDueStatusChanges(db: Kysely<Schema>): Promise<number> {
  const due = await dueNotices(db);
  let applied = 0;
  for (const n of due) {
    applied += await db.transaction().execute(async (trx) => {
      const still = await lockNoticeStillToApply(trx, n.id);
      return still && (await applyNotice(trx, n)) ? 1 : 0;
    });
  }
  return applied;
}

/**
 * A scheduled change that is due acts already, before the maintenance applies it: a new change of the same target
 * applies it first, so that it starts from the status the target acts with (reinstating a system whose suspension
 * just took effect, say). The notices are locked before the target, as the maintenance locks them: a change waits
 * for a maintenance applying one at that moment, in this process or another, and then reads what it left.
 */
async function applyDueChangesOf(trx: Kysely<Schema>, target: StatusTarget): Promise<void> {
  const agencyId =
    target.kind === 'agency'
      ? isUuid(target.id) && target.id
      : await agencyIdOfSystem(trx, target.id);
  if (!agencyId) return;
  const due = await lockDueNoticesOf(trx, agencyId, target);
  for (const n of due) await applyNotice(trx, n);
}

/**
 * Applies one due notice, locked by the caller, with its audit record; one the target has since made pointless
 * (already in that status, or cancelled) is marked applied without effect. Returns whether it changed a status.
 */
async function applyNotice(trx: Kysely<Schema>, n: AgencyNoticeRow): Promise<boolean> {
  const target: StatusTarget = n.client_id ? { kind: 'system', id: n.client_id } : { kind: 'agency', id: n.agency_id };
  const status = statusOfKind[n.kind];
  const current = await currentOf(trx, target);
  const effective = current !== undefined && current.status !== 'cancelled' && current.agencyStatus !== 'cancelled' && current.status !== status;
  if (effective) {
    await apply(trx, target, status);
    await recordAuditEvent(trx, {
      actor: { kind: 'admin_token' },
      action: `${target.kind}.${verb[status]}`,
      target,
      before: { status: current.status },
      after: { status, reason: n.reason, notice: n.notice, noticeId: n.id, effectiveAt: n.effective_at, scheduled: true },
      requestId: null,
    });
  }
  await markNoticeApplied(trx, n.id);
  return effective;
}

/**
 * Withdraws a change scheduled with notice before, until it takes effect: its notice is settled without effect and
 * says when and why, which the agency reads in its portal; the audit log records it. Throws NotFoundError, or
 * ConflictError for a notice that is not a scheduled change still to come.
 */
export async function withdrawScheduledChange(db: Kysely<Schema>, noticeId: string, reason: string, requestId: string | null, actor: AuditActor = { kind: 'admin_token' }) {
  if (!isUuid(noticeId)) throw new NotFoundError(`Notice ${noticeId} does not exist.`);
  // One that is due acts already: applied first, it is no longer there to withdraw.
  await applyDueStatusChanges(db);
  return db.transaction().execute(async (trx) => {
    const found = await lockNoticeWithDue(trx, noticeId);
    if (!found) throw new NotFoundError(`Notice ${noticeId} does not exist.`);
    await refuseOwnAgency(trx, actor, found.agencyId);
    // A due change acts already (the active_systems view), even while the maintenance has yet to apply it.
    if (found.appliedAt !== null || found.due) {
      const settled = found.withdrawnAt !== null ? 'was withdrawn already' : found.notice === 'after' ? 'came with its change' : 'has taken effect';
      throw new ConflictError('not_scheduled', `Notice ${noticeId} ${settled}: only a change still to come can be withdrawn. To undo a change, reinstate.`);
    }
    const withdrawn = await markNoticeWithdrawn(trx, noticeId, reason);
    const target: StatusTarget = found.clientId ? { kind: 'system', id: found.clientId } : { kind: 'agency', id: found.agencyId };
    await recordAuditEvent(trx, {
      actor,
      action: `${target.kind}.${verb[statusOfKind[found.kind]]}.withdraw`,
      target,
      before: { noticeId, effectiveAt: found.effectiveAt },
      after: { withdrawn: true, reason },
      requestId,
    });
    return withdrawn;
  });
}
