import { z } from 'zod';
import { pageCursor, pageSize, sinceTime, strictQuery } from '../http/query-schemas.ts';
import { isValidPid } from '../registry/pid.ts';

/* The admin API's query and answer for the audit log (the CLI reads its answers with AuditPage). */

export const auditQuery = strictQuery({
  since: sinceTime('events'),
  actor: z
    .string()
    .refine((v) => v === 'admin_token' || isValidPid(v), 'must be admin_token or a valid 13-digit citizen ID (check digit included)')
    .optional()
    .meta({ description: "only this actor's events: admin_token, or the citizen ID of a member of staff" }),
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an action name such as relying_party.create or keys.rotate')
    .optional()
    .meta({ description: 'only events of this action' }),
  limit: pageSize(1000, 100).meta({ description: 'events on the page' }),
  cursor: pageCursor,
});

const auditEventBody = z.object({
  id: z.string().meta({ description: 'increasing with time' }),
  at: z.iso.datetime(),
  actor: z.object({
    kind: z.string().meta({ description: 'admin_token, staff (a member of staff in the console) or agency (an agency administrator in the portal)' }),
    pid: z.string().nullable().meta({ description: "the person's citizen ID; null for the admin token" }),
    role: z.string().nullable().meta({ description: 'reviewer, approver, administrator or agency_admin; null for the admin token' }),
  }),
  action: z.string().meta({ example: 'relying_party.create' }),
  target: z.object({ kind: z.string().meta({ example: 'relying_party' }), id: z.string() }),
  before: z.unknown().meta({ description: 'the state before, as JSON; null where there is none. Never a secret' }),
  after: z.unknown().meta({ description: 'the state after, as JSON; null where there is none. Never a secret' }),
  request_id: z.string().nullable().meta({ description: "the request's X-Request-Id" }),
});

export const auditPage = z.object({
  events: z.array(auditEventBody).meta({ description: 'newest first' }),
  next_cursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null on the last page' }),
});
export type AuditPage = z.infer<typeof auditPage>;
