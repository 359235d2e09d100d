import { AsyncLocalStorage } from 'node:async_hooks';
import type { ControlledTransaction, Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/*
 * One request's writes as one transaction, for requests whose answer must not leave unless what it wrote is
 * committed with it (a token response and its disclosure record, see src/disclosures/). The transaction begins
 * at the request's first write and ends when the request's owner commits or rolls it back; code that reads
 * inside such a request reads through it. Outside one, both accessors give the database itself, so the same
 * code serves every other request unchanged.
 *
 * Why reads go through it too: the embedded database is one connection, which an open transaction holds, so a
 * read beside it would wait for its end; on PostgreSQL a read through it also sees the request's own writes.
 */

interface Scope {
  db: Kysely<Schema>;
  transaction?: Promise<ControlledTransaction<Schema>>;
}

const scopes = new AsyncLocalStorage<Scope>();

const scopeOf = (db: Kysely<Schema>) => {
  const scope = scopes.getStore();
  // Several servers may share a process (tests do): a scope is one database's.
  return scope?.db === db ? scope : undefined;
};

export interface RequestTransaction {
  /** Whether anything was written yet. */
  readonly begun: boolean;
  /** The transaction, begun now if it was not. */
  writer(): Promise<Kysely<Schema>>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Runs `work` with every read and write made through `reading(db)` and `writing(db)` gathered into one
 * transaction. `work` must commit (or roll back) before it returns; an error it throws rolls back whatever was
 * still open.
 */
export async function withRequestTransaction<T>(db: Kysely<Schema>, work: (transaction: RequestTransaction) => Promise<T>): Promise<T> {
  const scope: Scope = { db };
  let ended = false;
  const end = async (how: 'commit' | 'rollback') => {
    if (ended || !scope.transaction) return;
    ended = true;
    const transaction = await scope.transaction;
    await (how === 'commit' ? transaction.commit() : transaction.rollback()).execute();
  };
  const handle: RequestTransaction = {
    get begun() {
      return scope.transaction !== undefined;
    },
    writer: () => (scope.transaction ??= db.startTransaction().execute()),
    commit: () => end('commit'),
    rollback: () => end('rollback'),
  };
  return scopes.run(scope, async () => {
    try {
      return await work(handle);
    } finally {
      await end('rollback').catch(() => {});
    }
  });
}

/** What a read should use: the request's transaction once it has begun, the database otherwise. */
export function reading(db: Kysely<Schema>): Promise<Kysely<Schema>> | Kysely<Schema> {
  return scopeOf(db)?.transaction ?? db;
}

/** What a write should use: the request's transaction (begun now if need be), or the database outside one. */
export function writing(db: Kysely<Schema>): Promise<Kysely<Schema>> | Kysely<Schema> {
  const scope = scopeOf(db);
  if (!scope) return db;
  return (scope.transaction ??= db.startTransaction().execute());
}
