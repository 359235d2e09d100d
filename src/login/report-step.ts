import { sql, type Kysely } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Schema } from '../db/schema.ts';
import { appendAnswerEvent } from '../disclosures/ledger-queries.ts';
import { withGrantEnded } from '../oidc/grant-queries.ts';
import { loginColumns, type Db, type LoginTransaction } from './queries.ts';
import { loginTransitions } from './state-machine.ts';

/** Why a sign-in is refused as not the citizen's: they said so, or they picked a number the screen did not show. */
export type ReportReason = 'citizen_report' | 'wrong_number';

/**
 * "This wasn't me", in one statement, by the device that scanned the sign-in: one still waiting for its answer
 * is refused (in time), one approved is refused after the fact (at any time) and the grant it gave ends with
 * every code and token issued under it; a browser that has not carried it on yet gets access_denied. Staff get
 * the report and the citizen's history the event. A wrong number pick is reported the same way, by the
 * approval that made it. Returns the reported transaction, or undefined when this device has no such sign-in to
 * report (another's, reported already, answered otherwise, or expired unanswered).
 */
export async function reportAnswered(
  db: Db,
  t: { id: string; deviceId: string; grantId: string },
  reason: ReportReason = 'citizen_report',
): Promise<(LoginTransaction & { reported_after: LoginTransaction['status'] }) | undefined> {
  return reportQueries[reason].first(db, t);
}

interface Report {
  id: string;
  deviceId: string;
  grantId: string;
}

function reportQuery(db: Kysely<Schema>, t: Report, reason: ReportReason) {
  const decided = db
    // The row as it stood: a statement's CTEs all see the data from before it.
    .with('before', (qb) => qb.selectFrom('login_transactions').select(['id', 'status']).where('id', '=', t.id))
    .with('decided', (qb) =>
      qb
        .updateTable('login_transactions')
        .set({ status: loginTransitions.report.to, decided_at: sql`coalesce(decided_at, now())`, reported_at: sql`now()` })
        .where('id', '=', t.id)
        .where('device_id', '=', t.deviceId)
        .where('reported_at', 'is', null)
        // An approval at any time (the report transition); a sign-in still waiting, in time, as deny moves it.
        .where((eb) =>
          eb.or([
            eb('status', 'in', loginTransitions.report.from),
            eb.and([eb('status', 'in', loginTransitions.deny.from), eb('expires_at', '>', sql<Date>`now()`)]),
          ]),
        )
        .returningAll(),
    );
  // The transition's hooks, in its statement.
  return withGrantEnded(decided, t.grantId, sql<boolean>`exists (select from decided)`)
    .with('record_report', (qb) =>
      qb
        .insertInto('reported_sign_ins')
        .columns(['login_id', 'agency_id', 'client_id', 'items', 'reported_after', 'browser', 'reason'])
        .expression((eb) =>
          eb
            .selectFrom('decided as d')
            .innerJoin('before as b', 'b.id', 'd.id')
            .innerJoin('agency_systems as s', 's.client_id', 'd.client_id')
            .select([
              'd.id as login_id',
              's.agency_id',
              'd.client_id',
              'd.scopes as items',
              sql<'scanned' | 'approved'>`b.status`.as('reported_after'),
              sql<string | null>`d.browser`.as('browser'),
              sql<ReportReason>`${sql.lit(reason)}`.as('reason'),
            ]),
        ),
    )
    .with('record_event', (qb) => appendAnswerEvent(qb, reason === 'wrong_number' ? 'wrong_number' : 'reported'))
    .selectFrom('decided as t')
    .innerJoin('before as b', 'b.id', 't.id')
    .leftJoin('active_systems as rp', 'rp.client_id', 't.client_id')
    .select(loginColumns)
    .select('b.status as reported_after');
}

const reportQueries = {
  citizen_report: compiledOnce((db, t: Report) => reportQuery(db, t, 'citizen_report')),
  wrong_number: compiledOnce((db, t: Report) => reportQuery(db, t, 'wrong_number')),
};

/** Why a refused sign-in was refused by a report, if it was: a wrong number picked, or the citizen's report. */
export async function reportReasonOf(db: Kysely<Schema>, loginId: string): Promise<ReportReason | undefined> {
  const report = await db.selectFrom('reported_sign_ins').select('reason').where('login_id', '=', loginId).executeTakeFirst();
  return report?.reason as ReportReason | undefined;
}
