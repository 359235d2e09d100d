import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** A migrated database of the kind the suite runs on, without a server. */
export async function openTestDatabase(): Promise<{ database: Database; testDatabase: TestDatabase; dispose(): Promise<void> }> {
  const testDatabase = await createTestDatabase();
  const database = await openDatabase({ databaseUrl: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, command: 'test' });
  await migrate(database.db);
  return {
    database,
    testDatabase,
    dispose: async () => {
      await database.close();
      await testDatabase.drop();
    },
  };
}
