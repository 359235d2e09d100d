import type { LoginStatus } from '../db/schema.ts';

/*
 * A sign-in's login transaction moves through these states, and only along the transitions listed here:
 *
 *   pending ──scan──▶ scanned ──approve──▶ approved ──report──▶ denied
 *      │                 ├─────deny─────▶ denied
 *      ├──── expire ─────┼──────────────▶ expired     (by the clock)
 *      └──── cancel ─────┴──────────────▶ cancelled   (by the browser, by a new enrolment of the device, or by
 *                                                       the suspension or cancellation of the system or agency)
 *
 * Each transition names who may cause it, what it writes, and the hooks that run after it. A transition and its
 * hooks' writes are one statement (the device's in device-steps.ts and report-step.ts, the browser's and the clock's in queries.ts),
 * so they happen together or not at all. The database refuses any move of the status not listed here (migration
 * 0012, extended by 0030 for a report), and announces every change to the waiting browsers (migration 0004),
 * whoever made it.
 */

/** Who causes a transition. */
export type Actor = 'browser' | 'device' | 'clock' | 'enrolment' | 'status_change';

/** What runs after a transition, in its statement. */
export type LoginHook =
  /** The citizen's device is told who asks for which data items (the ThaID article: a notice for every request). */
  | 'notify_data_request'
  /** The citizen's device is told what they approved. */
  | 'notify_approval'
  /** The grant a reported approval gave ends, with every code and token issued under it. */
  | 'end_grant'
  /** Staff see a report (reported_sign_ins), and the citizen's history has it; only for a sign-in reported. */
  | 'record_report';

export interface LoginTransition {
  from: readonly LoginStatus[];
  to: LoginStatus;
  by: Actor;
  /** What the transition writes besides the status, for the reader. */
  writes: string;
  hooks: readonly LoginHook[];
}

export const loginTransitions = {
  scan: {
    from: ['pending'],
    to: 'scanned',
    by: 'device',
    writes: 'the device and the citizen that will answer; the signed request’s nonce',
    hooks: ['notify_data_request'],
  },
  approve: {
    from: ['scanned'],
    to: 'approved',
    by: 'device',
    writes: 'when it was decided, only by the device that scanned it, after the right PIN; that PIN attempt is given back',
    hooks: ['notify_approval'],
  },
  deny: { from: ['scanned'], to: 'denied', by: 'device', writes: 'when it was decided; only by the device that scanned it', hooks: [] },
  /**
   * "This wasn't me" after an approval, at any time: what the approval granted ends. Reported before the answer
   * (or refused by a wrong number pick), a sign-in makes the deny move, by the same statement with these hooks
   * (reportAnswered in report-step.ts).
   */
  report: {
    from: ['approved'],
    to: 'denied',
    by: 'device',
    writes: 'when it was reported; only by the device that scanned it',
    hooks: ['end_grant', 'record_report'],
  },
  expire: { from: ['pending', 'scanned'], to: 'expired', by: 'clock', writes: 'when it ended (reads see it expired at once)', hooks: [] },
  cancel: { from: ['pending', 'scanned'], to: 'cancelled', by: 'browser', writes: 'when it ended', hooks: [] },
  /** Made by the trigger of migration 0007 when a new enrolment revokes the device that scanned it (a pending one has none). */
  supersede: { from: ['scanned'], to: 'cancelled', by: 'enrolment', writes: 'when it ended', hooks: [] },
  /** The system or its agency was suspended or cancelled (src/agencies/status-changes.ts): its open sign-ins end. */
  withdraw: { from: ['pending', 'scanned'], to: 'cancelled', by: 'status_change', writes: 'when it ended', hooks: [] },
} as const satisfies Record<string, LoginTransition>;

export type LoginTransitionName = keyof typeof loginTransitions;

export class IllegalTransitionError extends Error {
  constructor(from: LoginStatus, to: LoginStatus, by: Actor) {
    super(`A login transaction does not move from ${from} to ${to} by the ${by}: no such transition is listed.`);
    this.name = 'IllegalTransitionError';
  }
}

/** The transition `by` makes from `from` to `to`; throws IllegalTransitionError for any move not listed above. */
export function transitionFor(from: LoginStatus, to: LoginStatus, by: Actor): LoginTransitionName {
  const found = (Object.keys(loginTransitions) as LoginTransitionName[]).find((name) => {
    const t: LoginTransition = loginTransitions[name];
    return t.from.includes(from) && t.to === to && t.by === by;
  });
  if (!found) throw new IllegalTransitionError(from, to, by);
  return found;
}
