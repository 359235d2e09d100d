import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/**
 * Stands in for a named parameter while a query is built. Kysely keeps it as a value, so it becomes one of the
 * compiled query's parameters; anything that reads it as data (a template string, JSON) fails at once, because
 * the query would otherwise be built around the stand-in instead of the real value.
 */
class Placeholder {
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  #misused(): never {
    throw new TypeError(`"${this.name}" can only be passed to the query as a value: the query is built once, before any value is known.`);
  }

  [Symbol.toPrimitive](): never {
    this.#misused();
  }

  toJSON(): never {
    this.#misused();
  }
}

type Slot = { name: string } | { constant: unknown };

export interface CompiledOnce<P, R> {
  /** Every row of the query run with `params`. */
  all(db: Kysely<Schema>, params: P): Promise<R[]>;
  /** The first row, if any. */
  first(db: Kysely<Schema>, params: P): Promise<R | undefined>;
}

/**
 * A query that kysely builds and compiles once, the first time it runs, and that afterwards runs from its SQL
 * with new parameters. The login path runs a handful of long statements many times a second; building each of
 * them afresh cost more CPU than PostgreSQL spent running them, and a statement text that stays the same
 * string is also the cheapest to look up among the prepared ones.
 *
 * `build` gets stand-ins for the fields of `params` and must use each one only as a value of the query: its
 * shape may not depend on them (no `if`, no `in` lists, no optional columns). Stand-ins that are read some other
 * way, or that do not end up in the query, fail the first run; so does a missing value.
 * The SQL is compiled once for every database: both kinds here (PGlite and PostgreSQL) take PostgreSQL's.
 */
export function compiledOnce<P extends object, R>(build: (db: Kysely<Schema>, params: P) => Compilable<R>): CompiledOnce<P, R> {
  let compiled: { query: CompiledQuery<R>; slots: Slot[] } | undefined;

  function compile(db: Kysely<Schema>) {
    const read = new Set<string>();
    const placeholders = new Proxy({} as P, {
      get(_, name) {
        if (typeof name !== 'string') return undefined;
        read.add(name);
        return new Placeholder(name);
      },
    });
    const query = build(db, placeholders).compile();
    const slots = query.parameters.map((value): Slot => (value instanceof Placeholder ? { name: value.name } : { constant: value }));
    const placed = new Set(slots.flatMap((slot) => ('name' in slot ? [slot.name] : [])));
    const lost = [...read].filter((name) => !placed.has(name));
    if (lost.length > 0) throw new TypeError(`The query was built from ${lost.join(', ')} without passing it as a value.`);
    return { query, slots };
  }

  async function all(db: Kysely<Schema>, params: P): Promise<R[]> {
    compiled ??= compile(db);
    const values = params as Record<string, unknown>;
    const parameters = compiled.slots.map((slot) => {
      if (!('name' in slot)) return slot.constant;
      const value = values[slot.name];
      if (value === undefined) throw new TypeError(`The query needs a value for ${slot.name}.`);
      return value;
    });
    const result = await db.executeQuery<R>({ ...compiled.query, parameters });
    return result.rows;
  }

  return {
    all,
    first: async (db, params) => (await all(db, params))[0],
  };
}
