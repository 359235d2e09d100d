import { sql, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Schema } from '../db/schema.ts';
import { entryText, type CitizenAnswer, type LedgerEntry } from './ledger-entry.ts';

/*
 * The ledger's statements. The server only ever inserts: an entry's text (its leaf index, hash and the columns
 * read from it come from the database's trigger, migration 0013), a signed tree head, a subtree's hash.
 */

type Db = Kysely<Schema> | Transaction<Schema>;

/** A stored leaf, as every reader gets it. */
export interface StoredEntry {
  leafIndex: number;
  /** The exact text that was hashed. */
  entry: string;
  leafHash: Uint8Array;
}

// Read as numbers: a log of more than 2^53 entries is not a concern. The embedded database returns bigint
// columns as numbers, PostgreSQL's driver as strings.
const asNumber = (value: string | number) => Number(value);

const appendQuery = compiledOnce((db, p: { entry: string }) => db.insertInto('ledger_entries').values({ entry: p.entry }).returning('leaf_index'));

/** Appends one entry; returns its leaf index. In a transaction, the index is held until it ends (see 0013). */
export async function appendEntry(db: Db, entry: LedgerEntry): Promise<number> {
  const row = await appendQuery.first(db, { entry: entryText(entry) });
  return asNumber(row!.leaf_index);
}

/** The log's size: the number of entries committed (and, inside an appending transaction, its own). */
export async function ledgerSize(db: Db): Promise<number> {
  const row = await db.selectFrom('ledger_size').select('size').executeTakeFirstOrThrow();
  return asNumber(row.size);
}

/** Leaf hashes with indexes in [from, to), in order. */
export async function leafHashesBetween(db: Db, from: number, to: number): Promise<{ leafIndex: number; leafHash: Uint8Array }[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['leaf_index', 'leaf_hash'])
    .where('leaf_index', '>=', sql<string>`${from}`)
    .where('leaf_index', '<', sql<string>`${to}`)
    .orderBy('leaf_index')
    .execute();
  return rows.map((row) => ({ leafIndex: asNumber(row.leaf_index), leafHash: new Uint8Array(row.leaf_hash) }));
}

/**
 * The event of a citizen's answer, appended by the statement that records the answer itself (a CTE of it), so
 * the two are committed together. The statement's CTE `decided` returns the login transaction answered; its
 * relying party is read from the systems whatever their status, as a report may come after a suspension. The
 * entry is an EventEntry (ledger-entry.ts), serialised by jsonb.
 */
export function appendAnswerEvent<DB extends Schema>(qb: QueryCreator<DB>, event: CitizenAnswer) {
  return (qb as unknown as QueryCreator<Schema>)
    .insertInto('ledger_entries')
    .columns(['entry'])
    .expression(
      sql<{ entry: string }>`select cast(jsonb_build_object(
          'kind', 'event',
          'at', now(),
          'pid', answered.pid,
          'agency', jsonb_build_object('id', rp.agency_id, 'th', a.name_th, 'en', a.name_en),
          'system', jsonb_build_object('clientId', rp.client_id, 'name', rp.name),
          'purpose', rp.purpose,
          'items', to_jsonb(answered.scopes),
          'event', ${sql.lit(event)},
          'loginId', answered.id,
          'deviceId', answered.device_id
        ) as text)
        from decided as answered
          join agency_systems as rp on rp.client_id = answered.client_id
          join agencies as a on a.id = rp.agency_id`,
    );
}
