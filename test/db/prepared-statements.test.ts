import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparingClient } from '../../src/db/prepared-statements.ts';
import { createTestDatabase, postgresServerUrl, type TestDatabase } from '../support/database.ts';

describe.skipIf(!postgresServerUrl)('statements with parameters on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const preparedNames = async () =>
    (await pool.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map((r) => r.name);

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection, so that every statement below sees the same session's prepared statements.
    pool = new pg.Pool({ Client: PreparingClient, connectionString: database.databaseUrl, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('are prepared once and reused, whether sent through the pool or a client', async () => {
    const statement = 'select $1::int + 1 as next';
    expect((await pool.query(statement, [1])).rows).toEqual([{ next: 2 }]);
    const names = await preparedNames();
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^thaid_/);
    const client = await pool.connect();
    try {
      expect((await client.query(statement, [41])).rows).toEqual([{ next: 42 }]);
    } finally {
      client.release();
    }
    expect(await preparedNames()).toEqual(names);
  });

  it('give their errors to the caller through the pool', async () => {
    await expect(pool.query('select 1 / $1::int', [0])).rejects.toMatchObject({ code: '22012' });
  });

  it('are sent as they are when they have no parameters', async () => {
    const before = await preparedNames();
    await pool.query('select 1');
    expect(await preparedNames()).toEqual(before);
  });
});
