import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { queueRows, type QueueRowsFilter } from './queue-queries.ts';
import { toSummary, type ApplicationSummary } from './views.ts';

/*
 * The staff's queue of applications: newest first, a page at a time, filtered by status, by kind (a new agency
 * or a change) and by words in the agency's names. Pages continue after the last application of the previous
 * page (its id), so an application filed meanwhile does not shift the pages being read.
 */

export interface QueueFilter extends QueueRowsFilter {
  limit: number;
}

export interface QueuePage {
  applications: ApplicationSummary[];
  /** The id to continue after, or null on the last page. */
  next: string | null;
}

export async function applicationQueue(db: Kysely<Schema>, filter: QueueFilter): Promise<QueuePage> {
  // One row more than the page shows tells whether another page follows.
  const rows = await queueRows(db, filter, filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { applications: page.map(toSummary), next: rows.length > filter.limit ? page.at(-1)!.id : null };
}
