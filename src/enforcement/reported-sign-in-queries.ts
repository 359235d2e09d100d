import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A sign-in a citizen reported as not theirs ("this wasn't me"), as staff read it. */
export interface ReportedSignIn {
  id: string;
  at: Date;
  loginId: string;
  agencyId: string;
  clientId: string;
  systemName: string;
  items: string[];
  /** citizen_report: "this wasn't me"; wrong_number: the citizen picked a number the screen did not show. */
  reason: 'citizen_report' | 'wrong_number';
  /** How far it had gone: refused before the answer, or approved and then ended. */
  reportedAfter: 'scanned' | 'approved';
  browser: { device: string; browser: string; os: string; network: string } | null;
}

/** Reports newest first, of one system or of all; written by the report's own statement (src/login/report-step.ts). */
export async function listReportedSignIns(db: Kysely<Schema>, filter: { clientId?: string | undefined; limit: number }): Promise<ReportedSignIn[]> {
  let query = db
    .selectFrom('reported_sign_ins as r')
    .innerJoin('agency_systems as s', 's.client_id', 'r.client_id')
    .select(['r.id', 'r.at', 'r.login_id', 'r.agency_id', 'r.client_id', 's.name', 'r.items', 'r.reported_after', 'r.reason', 'r.browser']);
  if (filter.clientId !== undefined) query = query.where('r.client_id', '=', filter.clientId);
  const rows = await query.orderBy('r.id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    // A bigserial: PostgreSQL's driver reads it as a string, the embedded database as a number.
    id: String(r.id),
    at: new Date(r.at),
    loginId: r.login_id,
    agencyId: r.agency_id,
    clientId: r.client_id,
    systemName: r.name,
    items: r.items,
    reason: r.reason,
    reportedAfter: r.reported_after,
    browser: r.browser,
  }));
}
