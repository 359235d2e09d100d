import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * Where a test's data lives. By default an embedded PGlite database in a fresh temporary directory; with
 * TEST_DATABASE_URL (a PostgreSQL server the tests may create databases on) a fresh database there.
 */
export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  dataDir: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export const postgresServerUrl = process.env.TEST_DATABASE_URL || undefined;
const pgliteTemplate = inject('pgliteTemplate');

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-test-'));
  if (!postgresServerUrl) {
    // Where the server opens its embedded database (src/db/database.ts), a copy of the run's empty one.
    if (pgliteTemplate) fs.cpSync(pgliteTemplate, path.join(dataDir, 'pglite'), { recursive: true });
    return { kind: 'pglite', dataDir, databaseUrl: undefined, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `thaid_test_${randomBytes(6).toString('hex')}`;
  await onServer(async (client) => {
    await client.query(`create database ${name}`);
    // The server prepares its statements; PostgreSQL switches a prepared statement to a generic plan after a
    // few runs, and some statements only fail there. Tests take that plan from the first run.
    await client.query(`alter database ${name} set plan_cache_mode = force_generic_plan`);
  });
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    dataDir,
    databaseUrl: url.href,
    drop: async () => {
      await dropDatabase(name);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Drops a test's database, ending its connections. An autovacuum worker in it can only be ended by a role with
 * pg_signal_backend (.ci/start-postgres.sh grants it); without it, wait for the worker to finish.
 */
async function dropDatabase(name: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      await onServer((client) => client.query(`drop database if exists ${name} with (force)`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function onServer(work: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: postgresServerUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Waits until `count` sessions of the database wait for a lock. */
export async function lockWaiters(client: pg.Client, count: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (rows[0]!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${count} sessions never waited for a lock`);
}
