import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginChanges } from '../../src/login/events.ts';
import { openTestDatabase } from '../support/open-database.ts';

let opened: Awaited<ReturnType<typeof openTestDatabase>>;
let changes: LoginChanges;
beforeAll(async () => {
  opened = await openTestDatabase();
  changes = await LoginChanges.start(opened.database);
});
afterAll(() => opened?.dispose());

let count = 0;
async function newTransaction(interactionUid: string): Promise<string> {
  const id = `tx-${++count}`;
  await opened.database.db
    .insertInto('login_transactions')
    .values({ id, interaction_uid: interactionUid, client_id: 'any', scopes: ['openid'], short_code: `SHORT${count}`, expires_at: sql`now() + interval '3 minutes'` })
    .execute();
  return id;
}

const setStatus = (id: string, status: 'scanned' | 'cancelled') =>
  opened.database.db.updateTable('login_transactions').set({ status }).where('id', '=', id).execute();

/** Counts the notices a sign-in's listener receives. */
function listen(interactionUid: string) {
  const heard = { count: 0, stop: () => {} };
  heard.stop = changes.subscribe(interactionUid, () => heard.count++);
  return heard;
}

/**
 * Changes a control sign-in and waits until its notice arrives. Notices come in commit order, so any notice
 * from an earlier change has arrived by then too.
 */
async function afterEarlierNotices(): Promise<void> {
  const uid = `control-${++count}`;
  const control = listen(uid);
  await setStatus(await newTransaction(uid), 'scanned');
  await expect.poll(() => control.count, { timeout: 5000 }).toBe(1);
  control.stop();
}

describe('announcements of login status changes', () => {
  it('wake the browsers waiting on that sign-in, and only those', async () => {
    const mine = listen('sign-in-mine');
    const other = listen('sign-in-other');
    await setStatus(await newTransaction('sign-in-other'), 'scanned');
    await expect.poll(() => other.count, { timeout: 5000 }).toBe(1);
    expect(mine.count).toBe(0);
    await setStatus(await newTransaction('sign-in-mine'), 'scanned');
    await expect.poll(() => mine.count, { timeout: 5000 }).toBe(1);
  });

  it('are not sent for a new transaction, which nobody can be waiting for yet', async () => {
    const waiting = listen('sign-in-new');
    await newTransaction('sign-in-new');
    await afterEarlierNotices();
    expect(waiting.count).toBe(0);
  });

  it('stop once the browser stops listening', async () => {
    const id = await newTransaction('sign-in-left');
    const left = listen('sign-in-left');
    left.stop();
    await setStatus(id, 'cancelled');
    await afterEarlierNotices();
    expect(left.count).toBe(0);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('wake every waiting browser to look again when they resume after a break, in which some may have been missed', async () => {
    const waiting = listen('sign-in-during-break');
    // Cuts the subscription's own connection, as a restart of the database server would.
    const cut = await sql<{ cut: boolean }>`
      select pg_terminate_backend(pid) as cut from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`.execute(opened.database.db);
    expect(cut.rows.map((row) => row.cut)).toEqual([true]);
    await expect.poll(() => waiting.count, { timeout: 10_000 }).toBeGreaterThan(0);
    // And announcements arrive again.
    await afterEarlierNotices();
    waiting.stop();
  });
});
