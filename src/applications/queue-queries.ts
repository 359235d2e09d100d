import { sql, type Kysely } from 'kysely';
import type { ApplicationStatus, Schema } from '../db/schema.ts';
import { isUuid } from '../db/uuid.ts';
import type { ApplicationRow } from './queries.ts';

/** The rows of one page of the staff's queue (queue.ts): what it is filtered by, and where it continues. */
export interface QueueRowsFilter {
  status?: ApplicationStatus | undefined;
  kind?: 'new' | 'change' | undefined;
  /** Words in the agency's names or abbreviations, Thai or English. */
  text?: string | undefined;
  /** The id of the last application of the previous page. */
  after?: string | undefined;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Up to `limit` applications matching the filter, newest first, after the application `after` when given (none
 * after an id that cannot be one).
 */
export async function queueRows(db: Kysely<Schema>, filter: QueueRowsFilter, limit: number): Promise<ApplicationRow[]> {
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
    if (!isUuid(filter.after)) return [];
    const after = filter.after;
    // The row order is (created_at desc, id desc); compared in the database, to the microsecond.
    query = query.where(sql<boolean>`(created_at, id) < (select last.created_at, last.id from applications last where last.id = ${after})`);
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
