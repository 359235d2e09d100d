import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Any fixed number: processes starting at once on one PostgreSQL server take turns applying migrations.
const MIGRATION_LOCK = 20_240_618;

/** Applies the SQL files in migrations/ that have not run yet, in name order, each exactly once. */
export async function migrate(db: Kysely<Schema>): Promise<string[]> {
  const files = (await fs.readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const applied = new Set(
      (await sql<{ name: string }>`select name from schema_migrations`.execute(trx)).rows.map((row) => row.name),
    );
    const pending = files.filter((name) => !applied.has(name));
    for (const name of pending) {
      await sql.raw(await fs.readFile(path.join(migrationsDir, name), 'utf8')).execute(trx);
      await sql`insert into schema_migrations (name) values (${name})`.execute(trx);
    }
    return pending;
  });
}
