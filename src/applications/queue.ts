import { sql, type Kysely } from 'kysely';
import type { ApplicationStatus, Schema } from '../db/schema.ts';
import { isUuid } from '../db/uuid.ts';
import { toSummary, type ApplicationSummary } from './views.ts';

/*
 * The staff's queue of applications: newest first, a page at a time, filtered by status, by kind (a new agency
 * or a change) and by words in the agency's names. Pages continue after the last application of the previous
 * page (its id), so an application filed meanwhile does not shift the pages being read.
 */

export interface QueueFilter {
  status?: ApplicationStatus | undefined;
  kind?: 'new' | 'change' | undefined;
  /** Words in the agency's names or abbreviations, Thai or English. */
  text?: string | undefined;
  /** The id of the last application of the previous page. */
  after?: string | undefined;
  limit: number;
}

export interface QueuePage {
  applications: ApplicationSummary[];
  /** The id to continue after, or null on the last page. */
  next: string | null;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function applicationQueue(db: Kysely<Schema>, filter: QueueFilter): Promise<QueuePage> {
  let query = db.selectFrom('applications').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  const text = filter.text?.trim();
  if (text) {
    const pattern = likePattern(text);
    query = query.where((eb) =>
      eb.or(['nameTh', 'nameEn', 'abbreviationTh', 'abbreviationEn'].map((field) => eb(sql<string>`form -> 'agency' ->> ${sql.lit(field)}`, 'ilike', pattern))),
    );
  }
  if (filter.after !== undefined) {
    if (!isUuid(filter.after)) return { applications: [], next: null };
    const after = filter.after;
    // The row order is (created_at desc, id desc); compared in the database, to the microsecond.
    query = query.where(sql<boolean>`(created_at, id) < (select last.created_at, last.id from applications last where last.id = ${after})`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  return { applications: page.map(toSummary), next: rows.length > filter.limit ? page.at(-1)!.id : null };
}
