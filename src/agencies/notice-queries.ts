import { sql, type Kysely, type Selectable } from 'kysely';
import type { AgencyNoticeKind, AgencyNoticesTable, Schema } from '../db/schema.ts';
import { isUuid } from '../db/uuid.ts';
import type { StatusTarget } from './status-changes.ts';

/*
 * The statements of agency_notices (migration 0018): a notice delivered with its change, or a change scheduled with
 * notice before; its applied_at once it is applied; and, for a scheduled change withdrawn, applied_at, withdrawn_at
 * and the reason (migration 0034). status-changes.ts decides when each is written, in which transaction, and what
 * is locked before.
 */

export type AgencyNoticeRow = Selectable<AgencyNoticesTable>;

export type AgencyNotice = Awaited<ReturnType<typeof listNotices>>[number];

const noticeColumns = [
  'id',
  'agency_id as agencyId',
  'client_id as clientId',
  'kind',
  'reason',
  'notice',
  'effective_at as effectiveAt',
  'delivered_at as deliveredAt',
  'applied_at as appliedAt',
  'withdrawn_at as withdrawnAt',
  'withdrawal_reason as withdrawalReason',
] as const;

/** The change scheduled for the target and not applied yet, if any. */
export async function findScheduledChange(db: Kysely<Schema>, target: StatusTarget) {
  return db
    .selectFrom('agency_notices')
    .select(['kind', 'effective_at'])
    .where('applied_at', 'is', null)
    .where(target.kind === 'system' ? 'client_id' : 'agency_id', '=', target.id)
    .$if(target.kind === 'agency', (q) => q.where('client_id', 'is', null))
    .executeTakeFirst();
}

export interface NewNotice {
  agencyId: string;
  /** The system's, for a notice of a system's change; null for the agency's own. */
  clientId: string | null;
  kind: AgencyNoticeKind;
  reason: string;
  notice: 'before' | 'after';
  /** Scheduled for effectiveAt, and applied later; otherwise effective and applied now. */
  scheduled: boolean;
  effectiveAt?: string | undefined;
}

/** A notice: of a change made now (effective and applied now), or of one scheduled for effectiveAt. */
export async function insertNotice(db: Kysely<Schema>, n: NewNotice) {
  return db
    .insertInto('agency_notices')
    .values({
      agency_id: n.agencyId,
      client_id: n.clientId,
      kind: n.kind,
      reason: n.reason,
      notice: n.notice,
      effective_at: n.scheduled ? n.effectiveAt! : sql<Date>`now()`,
      applied_at: n.scheduled ? null : sql<Date>`now()`,
    })
    .returning(noticeColumns)
    .executeTakeFirstOrThrow();
}

/** Every scheduled change that is due and not applied yet, the earliest first; unlocked. */
export async function dueNotices(db: Kysely<Schema>): Promise<AgencyNoticeRow[]> {
  return db
    .selectFrom('agency_notices')
    .selectAll()
    .where('applied_at', 'is', null)
    .where('effective_at', '<=', sql<Date>`now()`)
    .orderBy('effective_at')
    .execute();
}

/** Locks the notice while it is still to apply; undefined when it was applied meanwhile, or another process holds it. */
export async function lockNoticeStillToApply(trx: Kysely<Schema>, id: string) {
  return trx.selectFrom('agency_notices').select('id').where('id', '=', id).where('applied_at', 'is', null).forUpdate().skipLocked().executeTakeFirst();
}

/** Locks and returns the due changes the target acts with, from its agency: the earliest first. */
export async function lockDueNoticesOf(trx: Kysely<Schema>, agencyId: string, target: StatusTarget): Promise<AgencyNoticeRow[]> {
  return trx
    .selectFrom('agency_notices')
    .selectAll()
    .where('applied_at', 'is', null)
    .where('effective_at', '<=', sql<Date>`now()`)
    .where('agency_id', '=', agencyId)
    // A system acts with its agency's status too; an agency's own status is its alone.
    .where((eb) => (target.kind === 'system' ? eb.or([eb('client_id', 'is', null), eb('client_id', '=', target.id)]) : eb('client_id', 'is', null)))
    .orderBy('effective_at')
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function markNoticeApplied(trx: Kysely<Schema>, id: string): Promise<void> {
  await trx.updateTable('agency_notices').set({ applied_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** One notice, as listNotices gives it; undefined for none. */
export async function findNotice(db: Kysely<Schema>, id: string): Promise<AgencyNotice | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('agency_notices').select(noticeColumns).where('id', '=', id).executeTakeFirst();
}

/** Locks one notice, as listNotices gives it with whether it is due by the database's clock; undefined for none. */
export async function lockNoticeWithDue(trx: Kysely<Schema>, id: string) {
  return trx
    .selectFrom('agency_notices')
    .select(noticeColumns)
    .select(sql<boolean>`effective_at <= now()`.as('due'))
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Settles a scheduled change without effect: applied and withdrawn now, for this reason. */
export async function markNoticeWithdrawn(trx: Kysely<Schema>, id: string, reason: string): Promise<AgencyNotice> {
  return trx
    .updateTable('agency_notices')
    .set({ applied_at: sql<Date>`now()`, withdrawn_at: sql<Date>`now()`, withdrawal_reason: reason })
    .where('id', '=', id)
    .returning(noticeColumns)
    .executeTakeFirstOrThrow();
}

export async function listNotices(db: Kysely<Schema>, of: { agencyId: string; clientId?: string }) {
  let query = db.selectFrom('agency_notices').select(noticeColumns).where('agency_id', '=', of.agencyId);
  if (of.clientId) query = query.where((eb) => eb.or([eb('client_id', '=', of.clientId!), eb('client_id', 'is', null)]));
  return query.orderBy('created_at', 'desc').orderBy('id').execute();
}
