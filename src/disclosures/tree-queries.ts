import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { StoredEntry } from './ledger-queries.ts';

/*
 * The statements behind the ledger's tree heads and proofs: signed heads, the memo of subtree hashes (both only
 * ever inserted, and "on conflict do nothing", since several server processes may compute the same one), and the
 * pages of entries an auditor reads.
 */

type Db = Kysely<Schema>;

// bigint columns come back as numbers from the embedded database and as strings from PostgreSQL's driver.
const asNumber = (value: string | number) => Number(value);
// Compared as a parameter of the column's type, whichever type the driver reads it as.
const bigint = (value: number) => sql<string>`${value}`;

export interface StoredTreeHead {
  treeSize: number;
  rootHash: Uint8Array;
  signedAt: Date;
  /** The compact JWS over the head (tree-head-signature.ts). */
  signature: string;
}

const toTreeHead = (row: { tree_size: string | number; root_hash: Uint8Array; signed_at: Date; signature: string }): StoredTreeHead => ({
  treeSize: asNumber(row.tree_size),
  rootHash: new Uint8Array(row.root_hash),
  signedAt: new Date(row.signed_at),
  signature: row.signature,
});

const treeHeadColumns = ['tree_size', 'root_hash', 'signed_at', 'signature'] as const;

export async function treeHeadOfSize(db: Db, treeSize: number): Promise<StoredTreeHead | undefined> {
  const row = await db.selectFrom('ledger_tree_heads').select(treeHeadColumns).where('tree_size', '=', bigint(treeSize)).executeTakeFirst();
  return row && toTreeHead(row);
}

/** The head of the largest tree signed so far. */
export async function newestTreeHead(db: Db): Promise<StoredTreeHead | undefined> {
  const row = await db.selectFrom('ledger_tree_heads').select(treeHeadColumns).orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  return row && toTreeHead(row);
}

/** Signed heads of trees of at least `fromSize` leaves, smallest first. */
export async function treeHeadsFrom(db: Db, fromSize: number, limit: number): Promise<StoredTreeHead[]> {
  const rows = await db
    .selectFrom('ledger_tree_heads')
    .select(treeHeadColumns)
    .where('tree_size', '>=', bigint(fromSize))
    .orderBy('tree_size')
    .limit(limit)
    .execute();
  return rows.map(toTreeHead);
}

/** Keeps the first head signed for a size: another process may have signed the same size a moment earlier. */
export async function insertTreeHead(db: Db, head: StoredTreeHead): Promise<void> {
  await db
    .insertInto('ledger_tree_heads')
    .values({ tree_size: head.treeSize, root_hash: Buffer.from(head.rootHash), signed_at: head.signedAt, signature: head.signature })
    .onConflict((oc) => oc.column('tree_size').doNothing())
    .execute();
}

/** A memoised subtree: the hash of the 2^level leaves from first_leaf on. */
export interface StoredSubtree {
  level: number;
  firstLeaf: number;
  hash: Uint8Array;
}

const toSubtree = (row: { level: number; first_leaf: string | number; hash: Uint8Array }): StoredSubtree => ({
  level: row.level,
  firstLeaf: asNumber(row.first_leaf),
  hash: new Uint8Array(row.hash),
});

export async function memoisedSubtree(db: Db, level: number, firstLeaf: number): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('ledger_subtrees')
    .select('hash')
    .where('level', '=', level)
    .where('first_leaf', '=', bigint(firstLeaf))
    .executeTakeFirst();
  return row && new Uint8Array(row.hash);
}

/** Every memoised subtree that starts in [from, to). */
export async function memoisedSubtreesWithin(db: Db, from: number, to: number): Promise<StoredSubtree[]> {
  const rows = await db
    .selectFrom('ledger_subtrees')
    .select(['level', 'first_leaf', 'hash'])
    .where('first_leaf', '>=', bigint(from))
    .where('first_leaf', '<', bigint(to))
    .execute();
  return rows.map(toSubtree);
}

export async function memoiseSubtrees(db: Db, subtrees: StoredSubtree[]): Promise<void> {
  if (subtrees.length === 0) return;
  await db
    .insertInto('ledger_subtrees')
    .values(subtrees.map((s) => ({ level: s.level, first_leaf: s.firstLeaf, hash: Buffer.from(s.hash) })))
    .onConflict((oc) => oc.columns(['level', 'first_leaf']).doNothing())
    .execute();
}

/** The columns the append trigger (migration 0013) reads from an entry's text, which history pages and counts filter on. */
export interface IndexColumns {
  pid: string;
  kind: string;
  agency_id: string;
  client_id: string;
  items: string[];
  /** ISO 8601 in UTC, to the microsecond the column holds. */
  created_at: string;
}

/** A stored entry with its index columns, as an auditor reads it to compare them with its text. */
export interface IndexedEntry extends StoredEntry {
  columns: IndexColumns;
}

/** Up to `limit` entries from leaf index `from` on, in order; only one citizen's (by the pid column) when `pid` is given. */
export async function entriesFrom(db: Db, page: { from: number; limit: number; pid?: string | undefined }): Promise<IndexedEntry[]> {
  let query = db
    .selectFrom('ledger_entries')
    .select(['leaf_index', 'entry', 'leaf_hash', 'pid', 'kind', 'agency_id', 'client_id', 'items'])
    // As text, not a Date: a Date would drop the microseconds, and the auditor compares the instant exactly.
    .select(sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_at'))
    .where('leaf_index', '>=', bigint(page.from))
    .orderBy('leaf_index')
    .limit(page.limit);
  if (page.pid !== undefined) query = query.where('pid', '=', page.pid);
  const rows = await query.execute();
  return rows.map((row) => ({
    leafIndex: asNumber(row.leaf_index),
    entry: row.entry,
    leafHash: new Uint8Array(row.leaf_hash),
    columns: { pid: row.pid, kind: row.kind, agency_id: row.agency_id, client_id: row.client_id, items: row.items, created_at: row.created_at },
  }));
}
