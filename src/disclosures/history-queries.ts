import { sql, type Kysely, type Transaction } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Schema } from '../db/schema.ts';
import { historyEntryOf, type HistoryEntry } from './history-entry.ts';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface HistoryOptions {
  /** Entries on the page. */
  limit: number;
  /** The cursor: only entries older than this leaf index (the last one of the previous page). */
  before?: number | undefined;
  /** Only this agency's entries. */
  agencyId?: string | undefined;
  /** Only entries that name this data item (a scope name, such as pid or openid). */
  item?: string | undefined;
  /** Only entries written at or after this instant. */
  from?: Date | undefined;
  /** Only entries written before this instant. */
  to?: Date | undefined;
}

export interface HistoryPage {
  /** Newest first. */
  entries: HistoryEntry[];
  /** Pass back as `before` for the next page; null when this page is the last. */
  nextBefore: number | null;
}

// Past any leaf index: "no cursor" is a cursor too, so every page is the same statement.
const newest = Number.MAX_SAFE_INTEGER;

interface RowParams {
  pid: string;
  before: number;
  agencyId: string | null;
  item: string | null;
  from: string;
  to: string;
  limit: number;
}

/*
 * One statement for every page and filter, prepared once: the citizen's entries walked newest first down the
 * (pid, leaf_index desc) index from the cursor, the filters checked on the rows the walk meets. A citizen's
 * newest page reads that many index entries and rows, however large the ledger. The citizen is checked in the
 * entry's text too: the pid column is only read from it, and a row whose column was edited must not show one
 * citizen's entry to another. A text that is not JSON (edited in the database) names no one, so it is left out.
 */
const historyRowsQuery = compiledOnce((db, p: RowParams) =>
  db
    .selectFrom('ledger_entries')
    .select(['leaf_index', 'entry'])
    .where('pid', '=', p.pid)
    .where(sql<string>`ledger_entry_pid(entry)`, '=', p.pid)
    .where('leaf_index', '<', sql<string>`${p.before}`)
    .where(sql<boolean>`(cast(${p.agencyId} as text) is null or agency_id = cast(${p.agencyId} as text))`)
    .where(sql<boolean>`(cast(${p.item} as text) is null or cast(${p.item} as text) = any(items))`)
    .where('created_at', '>=', sql<Date>`cast(${p.from} as timestamptz)`)
    .where('created_at', '<', sql<Date>`cast(${p.to} as timestamptz)`)
    .orderBy('leaf_index', 'desc')
    .limit(p.limit),
);

/** The stored entries of one citizen's history page, newest first: their leaf indexes and exact texts. */
async function historyRows(db: Db, pid: string, options: HistoryOptions): Promise<{ leafIndex: number; entry: string }[]> {
  const rows = await historyRowsQuery.all(db as Kysely<Schema>, {
    pid,
    before: options.before ?? newest,
    agencyId: options.agencyId ?? null,
    item: options.item ?? null,
    from: options.from?.toISOString() ?? '-infinity',
    to: options.to?.toISOString() ?? 'infinity',
    limit: options.limit,
  });
  // bigint: a number from the embedded database, a string from PostgreSQL's driver.
  return rows.map((row) => ({ leafIndex: Number(row.leaf_index), entry: row.entry }));
}

/**
 * A page of a citizen's history, newest first (by leaf index), with the cursor of the next page. Filters narrow
 * it to one agency, one data item, a period; they stay the same from page to page.
 */
export async function citizenHistory(db: Db, pid: string, options: HistoryOptions): Promise<HistoryPage> {
  // One more than asked tells whether another page follows, so the last page says so rather than an empty one.
  const rows = await historyRows(db, pid, { ...options, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  return {
    entries: page.map((row) => historyEntryOf(row.leafIndex, row.entry)),
    nextBefore: rows.length > options.limit ? page[page.length - 1]!.leafIndex : null,
  };
}

/** A citizen's whole history, newest first, read a page at a time (for the export). */
export async function wholeHistory(db: Db, pid: string, pageSize = 1000): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await citizenHistory(db, pid, { limit: pageSize, before });
    entries.push(...page.entries);
    if (page.nextBefore === null) return entries;
    before = page.nextBefore;
  }
}
