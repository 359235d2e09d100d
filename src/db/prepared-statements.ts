import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Statement texts seen so far and the names they are prepared under. The server runs the same few dozen
 * statements over and over; the cap keeps statements whose text varies from call to call (bulk inserts of
 * different sizes) from preparing without end.
 */
const names = new Map<string, string | null>();
const MAX_NAMED_STATEMENTS = 500;

function nameFor(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    name = names.size < MAX_NAMED_STATEMENTS ? `thaid_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}` : null;
    names.set(text, name);
  }
  return name;
}

/** PostgreSQL refuses a prepared statement whose result columns changed under it (a migration ran meanwhile). */
const isStalePreparedStatement = (error: unknown) => (error as { code?: string }).code === '0A000';

type Query = (...args: unknown[]) => unknown;

/**
 * A pg client that prepares each parameterised statement once per connection and afterwards only binds and
 * runs it, so PostgreSQL neither parses nor, after a few runs, plans it again. Statements without parameters
 * (transaction control, migrations) are sent as they are.
 */
export class PreparingClient extends pg.Client {
  // Set on the prototype rather than written as a method: pg.Client's query has a dozen overloads (callbacks,
  // cursors, config objects) that an overriding method would have to repeat to type-check.
  static {
    const plainQuery = pg.Client.prototype.query as Query;
    (PreparingClient.prototype as unknown as { query: Query }).query = function (this: pg.Client, ...args: unknown[]) {
      // Two forms carry parameters: (text, values), and (text, values, callback), which pg's pool uses.
      const [text, values, callback] = args;
      const withCallback = args.length === 3 && typeof callback === 'function';
      const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && (args.length === 2 || withCallback) ? nameFor(text) : null;
      if (!name) return plainQuery.apply(this, args);
      const result = (plainQuery.call(this, { name, text, values }) as Promise<unknown>).catch((error: unknown) => {
        if (!isStalePreparedStatement(error)) throw error;
        names.set(text as string, null);
        return plainQuery.call(this, text, values);
      });
      if (!withCallback) return result;
      const done = callback as (error: unknown, result?: unknown) => void;
      // Outside the promise chain, so that an error thrown by the callback is not turned into a rejection.
      result.then((rows) => process.nextTick(done, null, rows), (error: unknown) => process.nextTick(done, error));
      return undefined;
    };
  }
}
