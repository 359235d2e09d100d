import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A notice as a device receives it, in its inbox and on its stream: never the citizen's data, only what was asked. */
export interface StreamedNotice {
  /** The notice id: a bigserial, sent as a string whichever database driver read it. */
  id: string;
  kind: string;
  th: string;
  en: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** How long a notice may take between being numbered and being committed, and still reach an open stream. */
const LATE_NOTICE_SECONDS = 10;
const BATCH = 100;

/** The newest notice of the citizen, '0' when there is none: a new stream sends what comes after it. */
export async function latestNoticeId(db: Kysely<Schema>, pid: string): Promise<string> {
  const row = await db
    .selectFrom('device_notifications')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('pid', '=', pid)
    .executeTakeFirst();
  return row?.id == null ? '0' : String(row.id);
}

/**
 * In one statement, so both are read from the same snapshot: whether the device is still active, and, if it is,
 * up to 100 notices of its citizen in id order: those after `after`, and those after `floor` written in the last
 * few seconds (a notice numbered before one already sent but committed after it; the caller drops the ones it sent).
 * A replaced device is never given the notices its replacement's enrolment wrote.
 */
export async function noticesForDevice(
  db: Kysely<Schema>,
  p: { deviceId: string; after: string; floor: string },
): Promise<{ active: boolean; notices: StreamedNotice[] }> {
  const rows = await db
    .selectFrom('devices as d')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('device_notifications as n')
          .select(['n.id', 'n.kind', 'n.message_th', 'n.message_en', 'n.details', 'n.created_at'])
          .whereRef('n.pid', '=', 'd.pid')
          .where((w) =>
            w.or([
              w('n.id', '>', sql<string>`${p.after}`),
              w.and([
                w('n.id', '>', sql<string>`${p.floor}`),
                w('n.created_at', '>', sql<Date>`now() - make_interval(secs => ${LATE_NOTICE_SECONDS})`),
              ]),
            ]),
          )
          .orderBy('n.id')
          .limit(BATCH)
          .as('n'),
      (join) => join.on('d.status', '=', 'active'),
    )
    .select(['d.status', 'n.id', 'n.kind', 'n.message_th', 'n.message_en', 'n.details', 'n.created_at'])
    .where('d.id', '=', p.deviceId)
    .orderBy('n.id')
    .execute();
  const active = rows[0]?.status === 'active';
  const notices = active
    ? rows.flatMap((row) =>
        row.id == null
          ? []
          : [
              {
                id: String(row.id),
                kind: row.kind!,
                th: row.message_th!,
                en: row.message_en!,
                details: row.details ?? {},
                createdAt: row.created_at!,
              },
            ],
      )
    : [];
  return { active, notices };
}
