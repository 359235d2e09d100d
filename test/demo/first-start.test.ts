import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { demoRelyingParty, seedDemoDataOnFirstStart } from '../../src/demo/demo-data.ts';
import { lockWaiters, postgresServerUrl } from '../support/database.ts';
import { openTestDatabase } from '../support/open-database.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.skipIf(!postgresServerUrl)('two server processes starting together on a new database', () => {
  it('register the demo relying party once, and both start', async () => {
    const first = await openTestDatabase();
    cleanups.push(() => first.dispose());
    const second: Database = await openDatabase({ databaseUrl: first.testDatabase.databaseUrl, dataDir: first.testDatabase.dataDir, command: 'test' });
    cleanups.push(() => second.close());
    const seed = (database: Database) => seedDemoDataOnFirstStart(database.db, { registrySeed: 1, count: 0 });

    // The first process's registration waits for this year's letter number, holding the demo system it inserted.
    const holder = new pg.Client({ connectionString: first.testDatabase.databaseUrl });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query('begin');
    await holder.query(
      "insert into permission_letter_sequences (year_be, last_sequence) values (extract(year from now() at time zone 'Asia/Bangkok')::int + 543, 1)",
    );
    const firstStart = seed(first.database);
    await lockWaiters(holder, 1);
    const secondStart = seed(second);
    await lockWaiters(holder, 2);
    await holder.query('rollback');

    const outcomes = await Promise.allSettled([firstStart, secondStart]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'started' : String(o.reason)))).toEqual(['started', 'started']);
    const systems = await first.database.db.selectFrom('agency_systems').select('client_id').where('client_id', '=', demoRelyingParty.clientId).execute();
    expect(systems).toHaveLength(1);
    const agencies = await first.database.db.selectFrom('agencies').select('id').where('name_en', '=', demoRelyingParty.nameEn).execute();
    expect(agencies).toHaveLength(1);
  });
});
