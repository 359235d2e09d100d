import type { ApplicationStatus, ApplicationTransition } from '../db/schema.ts';
import { ConflictError, ForbiddenError } from '../errors.ts';
import type { Role } from '../staff/roles.ts';
import type { ActingRole, ApplicationActor } from './actors.ts';

/*
 * An application moves through these states, and only along the transitions listed here:
 *
 *   draft ──submit──▶ submitted ──prepare──▶ prepared ──approve──▶ approved
 *                      │   ▲  ▲                  │
 *     request_changes  │   │  └──── return ──────┤
 *                      ▼   │ submit              │
 *              changes_requested                 │
 *                                                │
 *   submitted ─────────── reject ────────────────┴──▶ rejected
 *
 * approved and rejected are final. Each transition names who may make it and what its event records. Its event
 * row is the transition: inserting it moves the status (migration 0021's trigger, whose check constraint lists
 * the same table), in the transaction of the transition's other writes and its audit record.
 */

export interface ApplicationTransitionRule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  /** Who may make it: agency_admin is the administrator named on the application; reviewer and approver are staff roles. */
  by: readonly ActingRole[];
  /** What its event records besides who and when, for the reader. */
  records: string;
}

export const applicationTransitions = {
  create: { from: [], to: 'draft', by: ['agency_admin', 'admin_token', 'first_start'], records: 'nothing more: the draft is the form' },
  submit: {
    from: ['draft', 'changes_requested'],
    to: 'submitted',
    by: ['agency_admin', 'admin_token', 'first_start'],
    records: 'the form as submitted: complete, accepting the conditions of use current at that moment',
  },
  request_changes: { from: ['submitted'], to: 'changes_requested', by: ['reviewer', 'admin_token'], records: 'the message saying what to change' },
  reject: { from: ['submitted', 'prepared'], to: 'rejected', by: ['reviewer', 'approver', 'admin_token'], records: 'the reasons' },
  prepare: {
    from: ['submitted'],
    to: 'prepared',
    by: ['reviewer', 'admin_token', 'first_start'],
    records: 'the preparation: the permitted systems, their exact redirect URIs, data items (among those asked) and daily quotas, and the purpose',
  },
  return: { from: ['prepared'], to: 'submitted', by: ['reviewer', 'approver', 'admin_token'], records: 'the message saying why it goes back' },
  approve: {
    from: ['prepared'],
    to: 'approved',
    by: ['approver', 'admin_token', 'first_start'],
    records: 'the permission letter it issued; never by the member of staff who prepared it',
  },
} as const satisfies Record<ApplicationTransition, ApplicationTransitionRule>;

/** While an application is in one of these, its administrator may edit its form; after, it is read-only. */
export const editableStatuses: readonly ApplicationStatus[] = ['draft', 'changes_requested'];
const finalStatuses: readonly ApplicationStatus[] = ['approved', 'rejected'];

const described: Record<ActingRole, string> = {
  agency_admin: "the agency's administrator named on it",
  reviewer: 'a reviewer',
  approver: 'an approver',
  admin_token: 'the admin token',
  first_start: 'the first start',
};

const verbs: Record<ApplicationTransition, string> = {
  create: 'start',
  submit: 'submit',
  request_changes: 'ask for changes to',
  reject: 'reject',
  prepare: 'prepare',
  return: 'send back',
  approve: 'approve',
};

/**
 * The role in which `actor` makes `transition` on an application whose administrator is `administratorPid`:
 * the first of the transition's roles the actor has. `staffRoles` are the roles a member of staff holds now;
 * `administersApplicant`, whether they administer the agency the application is for (a change's). Throws
 * ForbiddenError, naming who may, when the actor may not.
 */
export function actingRole(
  transition: ApplicationTransition,
  actor: ApplicationActor,
  administratorPid: string | null,
  staffRoles: readonly Role[] = [],
  administersApplicant = false,
): ActingRole {
  const rule: ApplicationTransitionRule = applicationTransitions[transition];
  if (actor.kind === 'staff' && !rule.by.includes('agency_admin')) {
    if (actor.pid === administratorPid) {
      throw new ForbiddenError(
        'own_application',
        `No one decides an application they filed: you are the administrator named on it, so another member of staff must ${verbs[transition]} it.`,
      );
    }
    if (administersApplicant) {
      throw new ForbiddenError(
        'own_application',
        `No one decides an application from an agency they administer: you are an administrator of the agency it is for, so another member of staff must ${verbs[transition]} it.`,
      );
    }
  }
  const candidates: ActingRole[] =
    actor.kind === 'staff'
      ? staffRoles.filter((role): role is 'reviewer' | 'approver' => role === 'reviewer' || role === 'approver')
      : actor.kind === 'agency'
        ? transition === 'create' || actor.pid === administratorPid
          ? ['agency_admin']
          : []
        : [actor.kind];
  const role = rule.by.find((r) => candidates.includes(r));
  if (role === undefined) {
    throw new ForbiddenError(
      'not_permitted',
      `Only ${rule.by.filter((r) => r !== 'first_start').map((r) => described[r]).join(' or ')} may ${verbs[transition]} an application.`,
    );
  }
  return role;
}

/** Throws ConflictError unless an application in `status` can make `transition`. */
export function checkFrom(transition: ApplicationTransition, status: ApplicationStatus, applicationId: string): void {
  const rule: ApplicationTransitionRule = applicationTransitions[transition];
  if (rule.from.includes(status)) return;
  const final = finalStatuses.includes(status) ? `; ${status} is final` : '';
  throw new ConflictError(
    'wrong_status',
    `Application ${applicationId} is ${status.replace('_', ' ')}: only an application that is ${rule.from.map((s) => s.replace('_', ' ')).join(' or ')} can be ${pastTense[transition]}${final}.`,
  );
}

const pastTense: Record<ApplicationTransition, string> = {
  create: 'created',
  submit: 'submitted',
  request_changes: 'sent back for changes',
  reject: 'rejected',
  prepare: 'prepared',
  return: 'returned to submitted',
  approve: 'approved',
};
