import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { LoginStatus } from '../../src/db/schema.ts';
import { IllegalTransitionError, loginTransitions, transitionFor, type Actor, type LoginTransition } from '../../src/login/state-machine.ts';
import { openTestDatabase } from '../support/open-database.ts';

const statuses: LoginStatus[] = ['pending', 'scanned', 'approved', 'denied', 'expired', 'cancelled'];
const actors: Actor[] = ['browser', 'device', 'clock', 'enrolment'];

const listed = Object.entries(loginTransitions as Record<string, LoginTransition>).flatMap(([name, t]) =>
  t.from.map((from) => ({ name, from, to: t.to, by: t.by })),
);
const isListed = (from: LoginStatus, to: LoginStatus, by: Actor) => listed.some((t) => t.from === from && t.to === to && t.by === by);
const illegal = statuses.flatMap((from) => statuses.flatMap((to) => actors.filter((by) => !isListed(from, to, by)).map((by) => [from, to, by] as const)));

describe('the login transaction’s transitions', () => {
  it.each(listed.map((t) => [t.name, t.from, t.to, t.by] as const))('%s: from %s to %s by the %s is allowed', (name, from, to, by) => {
    expect(transitionFor(from, to, by)).toBe(name);
  });

  it.each(illegal)('from %s to %s by the %s is refused', (from, to, by) => {
    expect(() => transitionFor(from, to, by)).toThrow(IllegalTransitionError);
  });

  it('never leave a final status', () => {
    for (const final of ['denied', 'expired', 'cancelled'] as const) {
      expect(listed.filter((t) => t.from === final)).toEqual([]);
    }
  });

  it('leave an approval only by the report of the device that gave it ("this wasn\'t me")', () => {
    expect(listed.filter((t) => t.from === 'approved')).toEqual([{ name: 'report', from: 'approved', to: 'denied', by: 'device' }]);
  });
});

describe('the database', () => {
  let database: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase());
  });
  afterAll(() => dispose?.());

  let count = 0;
  /** A transaction put straight into `status`, then moved to `to` by hand, as a stray statement would. */
  async function moveByHand(status: LoginStatus, to: LoginStatus) {
    const id = `by-hand-${++count}`;
    await database.db
      .insertInto('login_transactions')
      .values({ id, interaction_uid: id, client_id: 'any', scopes: ['openid'], short_code: `HAND${count}`, status, expires_at: sql`now() + interval '3 minutes'` })
      .execute();
    return database.db.updateTable('login_transactions').set({ status: to }).where('id', '=', id).execute();
  }

  const pairs = statuses.flatMap((from) => statuses.filter((to) => to !== from).map((to) => [from, to] as const));
  const listedPair = (from: LoginStatus, to: LoginStatus) => listed.some((t) => t.from === from && t.to === to);

  it.each(pairs.filter(([from, to]) => listedPair(from, to)))('lets the status move from %s to %s, as the table lists', async (from, to) => {
    await expect(moveByHand(from, to)).resolves.toBeDefined();
  });

  it.each(pairs.filter(([from, to]) => !listedPair(from, to)))('refuses to move the status from %s to %s', async (from, to) => {
    await expect(moveByHand(from, to)).rejects.toThrow(`a login transaction does not move from ${from} to ${to}`);
  });
});
