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

async function newTransaction(interactionUid: string): Promise<string> {
  const id = `tx-${interactionUid}`;
  await opened.database.db
    .insertInto('login_transactions')
    .values({ id, interaction_uid: interactionUid, client_id: 'any', scopes: ['openid'], short_code: id.slice(-8).toUpperCase(), expires_at: sql`now() + interval '3 minutes'` })
    .execute();
  return id;
}

const setStatus = (id: string, status: 'scanned' | 'cancelled') =>
  opened.database.db.updateTable('login_transactions').set({ status }).where('id', '=', id).execute();

/** Resolves with how many times `uid`'s listener was called once `action` is done and notices had time to arrive. */
async function callsFor(uid: string, action: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const unsubscribe = changes.subscribe(uid, () => calls++);
  try {
    await action();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return calls;
  } finally {
    unsubscribe();
  }
}

describe('announcements of login status changes', () => {
  it('wake the browsers waiting on that sign-in, and only those', async () => {
    const mine = await newTransaction('sign-in-mine');
    const other = await newTransaction('sign-in-other');
    expect(await callsFor('sign-in-mine', () => setStatus(other, 'scanned'))).toBe(0);
    expect(await callsFor('sign-in-mine', () => setStatus(mine, 'scanned'))).toBe(1);
  });

  it('are not sent for a new transaction, which nobody can be waiting for yet', async () => {
    expect(await callsFor('sign-in-new', () => newTransaction('sign-in-new'))).toBe(0);
  });

  it('stop once the browser stops listening', async () => {
    const id = await newTransaction('sign-in-left');
    let calls = 0;
    changes.subscribe('sign-in-left', () => calls++)();
    await setStatus(id, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(0);
  });
});
