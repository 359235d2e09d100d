import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { PreparingClient } from './prepared-statements.ts';
import type { Schema } from './schema.ts';
import { DatabaseUnavailableError } from './unavailable.ts';

export interface Database {
  db: Kysely<Schema>;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for log lines and messages; never includes a password. */
  location: string;
  /**
   * Calls `onMessage` with the payload of every NOTIFY on `channel`, from any process on the same database.
   * Delivery is best effort (a reconnect can miss messages), so listeners also check the state themselves, and
   * `onResume` is called each time the subscription is back after a break, when messages may have been missed.
   */
  listen(channel: string, onMessage: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const DATE_OID = 1082;
// Calendar dates stay strings: turning them into Date objects shifts them by the local time zone.
const keepAsText = (value: string) => value;

export interface OpenOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Names the process in the embedded database's lock file. */
  command: string;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPGlite(options.dataDir, options.command);
}

async function openPGlite(dataDir: string, command: string): Promise<Database> {
  const release = lockDataDir(dataDir, command);
  try {
    const pglite = await PGlite.create(path.join(dataDir, 'pglite'), { parsers: { [DATE_OID]: keepAsText } });
    const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      location: `embedded PGlite in ${dataDir}`,
      // Runs outside the dialect's turn-taking; it is only called while the server starts. An in-process
      // database never drops the subscription, so there is nothing to resume.
      listen: (channel, onMessage) => pglite.listen(channel, onMessage),
      close: async () => {
        await db.destroy();
        await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

export function describePostgresUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

async function openPostgres(databaseUrl: string): Promise<Database> {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === DATE_OID ? keepAsText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its server must not crash the process. An idle one is the pool's to report ('error' below);
  // one checked out (a request's transaction holds it between statements) emits 'error' itself, and with no
  // listener that event would end the process. Its current or next statement fails with a connection error,
  // answered 503, and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', () => {});
  const location = describePostgresUrl(databaseUrl);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new DatabaseUnavailableError(error);
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new PostgresListeners(databaseUrl);
  return {
    db,
    kind: 'postgres',
    location,
    listen: (channel, onMessage, onResume) => listeners.listen(channel, onMessage, onResume),
    close: async () => {
      await listeners.close();
      await db.destroy();
    },
  };
}

/** One dedicated connection for LISTEN, re-established after a failure. */
class PostgresListeners {
  readonly #databaseUrl: string;
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  readonly #resumers = new Set<() => void>();
  /** The current connection, or the attempt at one; undefined while waiting to try again. */
  #client: Promise<pg.Client> | undefined;
  /** A connection was lost or could not be made: the next one tells the resumers that messages may be missed. */
  #broken = false;
  #closed = false;

  constructor(databaseUrl: string) {
    this.#databaseUrl = databaseUrl;
  }

  async listen(channel: string, onMessage: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>> {
    if (onResume) this.#resumers.add(onResume);
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      const client = await this.#connection().catch(() => undefined);
      await client?.query(`listen ${pg.escapeIdentifier(channel)}`).catch(() => {});
    }
    handlers.add(onMessage);
    return async () => {
      handlers.delete(onMessage);
      if (onResume) this.#resumers.delete(onResume);
    };
  }

  #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ connectionString: this.#databaseUrl });
    const attempt = (async () => {
      try {
        await client.connect();
        for (const channel of this.#handlers.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      if (this.#broken) {
        this.#broken = false;
        for (const resume of this.#resumers) {
          try {
            resume();
          } catch {
            // One listener's failure to look again must not cost the others, or the connection.
          }
        }
      }
      return client;
    })();
    client.on('notification', (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    // Only the current attempt's end schedules the next: a late event of an older one must not start a second.
    client.on('error', () => this.#lost(attempt));
    client.on('end', () => this.#lost(attempt));
    attempt.catch(() => this.#lost(attempt));
    this.#client = attempt;
    return attempt;
  }

  #lost(attempt: Promise<pg.Client>) {
    if (this.#closed || this.#client !== attempt) return;
    this.#client = undefined;
    this.#broken = true;
    setTimeout(() => {
      if (!this.#closed) this.#connection().catch(() => {});
    }, 1000).unref();
  }

  async close() {
    this.#closed = true;
    const client = await this.#client?.catch(() => undefined);
    await client?.end().catch(() => {});
  }
}
