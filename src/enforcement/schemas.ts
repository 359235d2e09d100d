import { z } from 'zod';
import { pageCursor, pageSize, sinceTime, strictQuery } from '../http/query-schemas.ts';

export const violationsQuery = strictQuery({
  agency: z.uuid({ error: "must be an agency's id (a UUID, as agency list shows it)" }).optional().meta({ description: "only this agency's violations" }),
  system: z.string().min(1, 'must not be empty').optional().meta({ description: "only this system's violations (its client_id)" }),
  since: sinceTime('violations'),
  limit: pageSize(1000, 100).meta({ description: 'violations on the page' }),
  cursor: pageCursor,
});

const violationBody = z.object({
  id: z.string().meta({ description: 'increasing with time' }),
  at: z.iso.datetime(),
  kind: z.enum(['unapproved_scope']).meta({ description: 'unapproved_scope: the system asked for data items it is not approved for, and was refused with invalid_scope' }),
  agencyId: z.string(),
  agencyNameEn: z.string(),
  clientId: z.string(),
  systemName: z.string(),
  items: z.array(z.string()).meta({ description: 'the data items asked for that the system is not approved for' }),
  requestId: z.string().nullable().meta({ description: "the refused request's X-Request-Id, to find it in the server's log" }),
});

export const violationsPage = z.object({
  violations: z.array(violationBody).meta({ description: 'newest first' }),
  next_cursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null on the last page' }),
});
export type ViolationsPage = z.infer<typeof violationsPage>;

export const reportedSignInsQuery = strictQuery({
  system: z.string().min(1, 'must not be empty').optional().meta({ description: "one system's client_id" }),
  limit: pageSize(1000, 100).meta({ description: 'reports on the page' }),
});

export const reportedSignInsList = z.object({
  reports: z
    .array(
      z.object({
        id: z.string(),
        at: z.iso.datetime(),
        loginId: z.string(),
        agencyId: z.string(),
        clientId: z.string(),
        systemName: z.string(),
        items: z.array(z.string()).meta({ description: 'the data items the sign-in asked for' }),
        reason: z
          .enum(['citizen_report', 'wrong_number'])
          .meta({ description: "citizen_report: the citizen said it was not theirs; wrong_number: they picked a number the sign-in screen did not show" }),
        reportedAfter: z
          .enum(['scanned', 'approved'])
          .meta({ description: 'scanned: refused before any answer; approved: refused after the fact, its grant and tokens ended' }),
        browser: z
          .object({ device: z.string(), browser: z.string(), os: z.string(), network: z.string() })
          .nullable()
          .meta({ description: 'the browser that started the sign-in, coarsely' }),
      }),
    )
    .meta({ description: 'newest first' }),
});
export type ReportedSignInsList = z.infer<typeof reportedSignInsList>;

/** What staff see of a system's use of its daily quota, beside its status. */
export const systemUsageFields = {
  dailyQuota: z.number().int().nullable().meta({ description: 'authorization requests the system may make a day (Asia/Bangkok); null for no limit' }),
  requestsToday: z
    .number()
    .int()
    .meta({ description: 'authorization requests today (Asia/Bangkok) that started a sign-in; requests refused, for the quota or otherwise, are not counted' }),
  violations: z.number().int().meta({ description: 'policy violations recorded for the system (GET /admin/api/violations?system=… lists them)' }),
};
