import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { compiledOnce } from '../../src/db/compiled-once.ts';
import { openTestDatabase } from '../support/open-database.ts';

describe('a query compiled once', () => {
  let database: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase());
    await sql`create table compiled_once_things (id text primary key, size int not null, tags text[] not null)`.execute(database.db);
    await sql`insert into compiled_once_things values ('a', 1, '{x}'), ('b', 2, '{x,y}'), ('c', 3, '{y}')`.execute(database.db);
  });
  afterAll(async () => dispose());

  it('is built once and runs with each call’s own values, matched by name wherever they appear', async () => {
    let builds = 0;
    const between = compiledOnce((db, p: { min: number; max: number; tag: string }) => {
      builds++;
      return db
        .selectFrom('compiled_once_things' as never)
        .select(sql<string>`id`.as('id'))
        // `max` comes first in the SQL and `min` twice, so the parameters are not in the order of the fields.
        .where(sql<boolean>`size <= ${p.max} and size >= ${p.min} and (${p.tag} = any(tags) or size = ${p.min})`)
        .orderBy(sql`id`);
    });
    expect((await between.all(database.db, { min: 1, max: 2, tag: 'y' })).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await between.all(database.db, { min: 2, max: 3, tag: 'x' })).map((r) => r.id)).toEqual(['b']);
    expect(await between.first(database.db, { min: 3, max: 3, tag: 'y' })).toEqual({ id: 'c' });
    expect(await between.first(database.db, { min: 4, max: 9, tag: 'y' })).toBeUndefined();
    expect(builds).toBe(1);
  });

  it('keeps the constants written into the query', async () => {
    const tagged = compiledOnce((db, p: { tag: string }) =>
      db
        .selectFrom('compiled_once_things' as never)
        .select(sql<string>`id`.as('id'))
        .where(sql<boolean>`${p.tag} = any(tags) and size > ${1}`),
    );
    expect(await tagged.all(database.db, { tag: 'x' })).toEqual([{ id: 'b' }]);
  });

  it('runs inside a transaction, and sees the transaction’s own writes', async () => {
    const sizeOf = compiledOnce((db, p: { id: string }) =>
      db
        .selectFrom('compiled_once_things' as never)
        .select(sql<number>`size`.as('size'))
        .where(sql<boolean>`id = ${p.id}`),
    );
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into compiled_once_things values ('t', 7, '{}')`.execute(trx);
      expect(await sizeOf.first(trx, { id: 't' })).toEqual({ size: 7 });
      await sql`delete from compiled_once_things where id = 't'`.execute(trx);
    });
    expect(await sizeOf.first(database.db, { id: 't' })).toBeUndefined();
  });

  it('refuses a builder that reads a value as text instead of passing it to the query', async () => {
    const spliced = compiledOnce((db, p: { id: string }) => db.selectFrom('compiled_once_things' as never).select(sql.raw<string>(`'${p.id}'`).as('id')));
    await expect(spliced.all(database.db, { id: 'a' })).rejects.toThrow(/"id" can only be passed to the query as a value/);
  });

  it('refuses a builder whose shape depends on a value', async () => {
    const shaped = compiledOnce((db, p: { id: string; all: boolean }) => {
      const query = db.selectFrom('compiled_once_things' as never).select(sql<string>`id`.as('id'));
      return p.all ? query : query.where(sql<boolean>`id = ${p.id}`);
    });
    await expect(shaped.all(database.db, { id: 'a', all: false })).rejects.toThrow(/built from all without passing it as a value/);
  });

  it('refuses to run without a value for each parameter', async () => {
    const byId = compiledOnce((db, p: { id: string }) => db.selectFrom('compiled_once_things' as never).select(sql<string>`id`.as('id')).where(sql<boolean>`id = ${p.id}`));
    await expect(byId.all(database.db, {} as { id: string })).rejects.toThrow(/needs a value for id/);
  });
});
