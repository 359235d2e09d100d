import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresServerUrl, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { runCli } from '../support/cli.ts';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

const cli = (args: string[], database: TestDatabase) =>
  runCli(args, { DATA_DIR: database.dataDir, LOG_LEVEL: 'silent', ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) });

async function freshDatabase() {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

describe('migrate and seed', () => {
  it('migrate applies the migrations once', async () => {
    const database = await freshDatabase();
    const first = await cli(['migrate', '--json'], database);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).applied).toContain('0001_foundation.sql');
    const second = await cli(['migrate', '--json'], database);
    expect(JSON.parse(second.stdout)).toEqual({ applied: [] });
    // Two processes, each opening the embedded database; the second start also checks every migration.
  }, 60_000);

  it('seed loads the requested citizens and reports them', async () => {
    const database = await freshDatabase();
    const result = await cli(['seed', '--citizens', '300', '--seed', '11', '--json'], database);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ generated: 300, inserted: 300, seed: 11 });
  });

  it('seed explains a missing or bad count', async () => {
    const database = await freshDatabase();
    const result = await cli(['seed', '--citizens', 'lots'], database);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('seed --citizens N');
  });

  it.skipIf(postgresServerUrl)('migrate and seed say which process holds the embedded database while a server runs', async () => {
    const server = await startTestServer();
    try {
      for (const command of [['migrate'], ['seed', '--citizens', '10']]) {
        const result = await cli(command, server.testDatabase);
        expect(result.status).toBe(75);
        expect(result.stderr).toMatch(/in use by process \d+ \(thaid-emulator serve\)/);
        expect(result.stderr).toContain('admin API');
      }
    } finally {
      await server.dispose();
    }
  });
});
