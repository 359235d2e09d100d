import { parseArgs } from 'node:util';
import { CliError } from '../cli-error.ts';

/** What `agency` and `system` show of a notice, and how they read `suspend|reinstate|cancel ID --reason R ...`. */
export interface Notice {
  id: string;
  clientId: string | null;
  kind: string;
  reason: string;
  notice: 'before' | 'after';
  effectiveAt: string;
  deliveredAt: string;
  appliedAt: string | null;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
}

export interface StatusChange {
  target: { kind: string; id: string };
  previousStatus: string;
  status: string;
  scheduled: boolean;
  notice: Notice;
}

export const statusVerbs = { suspend: 'suspended', reinstate: 'active', cancel: 'cancelled' } as const;
export type StatusVerb = keyof typeof statusVerbs;

/** The request body of a status change, from the options after the id; the server checks the rest. */
export function statusChangeBody(verb: StatusVerb, options: string[], usage: string) {
  const { values } = parseArgs({
    args: options,
    options: { reason: { type: 'string' }, notice: { type: 'string' }, 'effective-at': { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.reason) throw new CliError(`${verb} needs --reason R (it is written in the notice to the agency)\n${usage}`);
  if (verb === 'reinstate' && (values.notice || values['effective-at'])) throw new CliError(`reinstate takes only --reason: it takes effect at once\n${usage}`);
  if (verb !== 'reinstate' && !values.notice) throw new CliError(`${verb} needs --notice before|after\n${usage}`);
  return {
    json: values.json,
    body: { status: statusVerbs[verb], reason: values.reason, notice: values.notice, effectiveAt: values['effective-at'] },
  };
}

export function describeChange(c: StatusChange): string {
  return c.scheduled
    ? `Scheduled: ${c.target.kind} ${c.target.id} becomes ${c.notice.kind === 'suspension' ? 'suspended' : 'cancelled'} at ${c.notice.effectiveAt}; the notice is delivered now (${c.notice.id}).`
    : `${c.target.kind === 'agency' ? 'Agency' : 'System'} ${c.target.id}: ${c.previousStatus} -> ${c.status}. Notice ${c.notice.id} delivered.`;
}

export function describeNotice(n: Notice): string {
  const state = n.withdrawnAt ? `  (withdrawn ${n.withdrawnAt}: ${n.withdrawalReason ?? ''})` : n.appliedAt ? '' : '  (scheduled)';
  return `  ${n.deliveredAt}  ${n.id}  ${n.kind}${n.clientId ? ` of ${n.clientId}` : ''}, effective ${n.effectiveAt}${state}: ${n.reason}`;
}
