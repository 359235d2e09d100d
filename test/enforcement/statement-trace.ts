import type { DatabaseConnection, Kysely } from 'kysely';
import type { Schema } from '../../src/db/schema.ts';

/**
 * Every statement the server sends to its database while `work` runs, in order: begin and commit included. It
 * wraps the connection class's executeQuery (PGlite's, or kysely's PostgreSQL one), which every statement of the
 * server goes through, compiled once or built each time.
 */
export async function statementsDuring(db: Kysely<Schema>, work: () => Promise<unknown>): Promise<string[]> {
  const prototype = await db.getExecutor().provideConnection(async (connection) => Object.getPrototypeOf(connection) as DatabaseConnection);
  const original = prototype.executeQuery;
  const seen: string[] = [];
  prototype.executeQuery = function traced(this: DatabaseConnection, query) {
    seen.push(query.sql);
    return original.call(this, query);
  } as DatabaseConnection['executeQuery'];
  try {
    await work();
  } finally {
    prototype.executeQuery = original;
  }
  return seen;
}

/** What a statement does, in a few words: its verb and the tables it names (for messages and comparisons). */
export function gist(statement: string): string {
  const verb = /^\s*(with|select|insert|update|delete|begin|commit|rollback)/i.exec(statement)?.[1]?.toLowerCase() ?? statement.slice(0, 20);
  const tables = [...new Set([...statement.matchAll(/\b(?:from|into|update|join)\s+"?(\w+)"?/gi)].map((m) => m[1]!))];
  return `${verb} ${tables.join(',')}`;
}
