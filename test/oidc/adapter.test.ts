import { sql } from 'kysely';
import { errors } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { createAdapterClass } from '../../src/oidc/adapter.ts';
import { storedIdOf } from '../../src/oidc/payload-statements.ts';
import { deleteExpiredPayloads } from '../../src/oidc/payload-statements.ts';
import { openTestDatabase } from '../support/open-database.ts';
import { postgresServerUrl } from '../support/database.ts';

let database: Database;
let dispose: () => Promise<void>;
let Adapter: ReturnType<typeof createAdapterClass>;
const clients = new Map<string, Record<string, unknown>>([['known-client', { client_id: 'known-client' }]]);

beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
  Adapter = createAdapterClass(database.db, async (id) => clients.get(id));
});
afterAll(() => dispose?.());

const backdate = (model: string, id: string) =>
  database.db.updateTable('oidc_payloads').set({ expires_at: sql`now() - interval '1 hour'` }).where('model', '=', model).where('id', '=', storedIdOf(model, id)).execute();

describe(`the oidc-provider adapter on ${postgresServerUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('stores and finds a payload, and replaces it on upsert', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code-1', { accountId: 'a', grantId: 'g-1', scope: 'openid' }, 60);
    // A code's jti is its value, which the row does not keep: the find gives it back.
    expect(await codes.find('code-1')).toEqual({ jti: 'code-1', accountId: 'a', grantId: 'g-1', scope: 'openid' });
    await codes.upsert('code-1', { accountId: 'b', grantId: 'g-1' }, 60);
    expect(await codes.find('code-1')).toEqual({ jti: 'code-1', accountId: 'b', grantId: 'g-1' });
    expect(await new Adapter('AccessToken').find('code-1')).toBeUndefined();
  });

  it('stores a code or token under a hash of its value, with no copy of the value in its payload, and finds it by the value', async () => {
    const tokens = new Adapter('AccessToken');
    const value = 'at-secret-value-0123456789';
    await tokens.upsert(value, { jti: value, accountId: 'a', grantId: 'g-h' }, 60);
    const rows = await database.db.selectFrom('oidc_payloads').selectAll().where('model', '=', 'AccessToken').where('grant_id', '=', 'g-h').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(storedIdOf('AccessToken', value));
    expect(rows[0]!.id).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify(rows[0])).not.toContain(value);
    expect(await tokens.find(value)).toEqual({ jti: value, accountId: 'a', grantId: 'g-h' });
    expect(await tokens.find(rows[0]!.id)).toBeUndefined(); // the stored id is no credential
    // A grant is no credential: kept under its id.
    expect(storedIdOf('Grant', 'g-h')).toBe('g-h');
  });

  it('hashes as migration 0027 hashed the rows stored before, so codes and tokens issued then still work', async () => {
    for (const value of ['abc', 'SKWzSJMKcpt5F7jRcv5Ra31sAEHovC', 'ก-ไทย-~/+=']) {
      const { rows } = await sql<{ id: string }>`select rtrim(translate(encode(sha256(convert_to(${value}, 'UTF8')), 'base64'), '+/', '-_'), '=') as id`.execute(database.db);
      expect(rows[0]!.id).toBe(storedIdOf('RefreshToken', value));
    }
  });

  it('marks a consumed payload, and refuses to consume it a second time', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code-2', { grantId: 'g-2' }, 60);
    await codes.consume('code-2');
    const found = await codes.find('code-2');
    expect(found?.consumed).toEqual(expect.any(Number));
    await expect(codes.consume('code-2')).rejects.toBeInstanceOf(errors.InvalidGrant);
  });

  it('lets exactly one of many simultaneous redemptions consume a code', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code-race', { grantId: 'g-race' }, 60);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => codes.consume('code-race')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('lost to another redemption, revokes the grant and what the other redemption was issued under it', async () => {
    await new Adapter('Grant').upsert('g-lost', { accountId: 'a' }, 60);
    await new Adapter('AuthorizationCode').upsert('code-lost', { grantId: 'g-lost' }, 60);
    // The other request redeemed the code first, and was issued its tokens.
    await new Adapter('AuthorizationCode').consume('code-lost');
    await new Adapter('AccessToken').upsert('at-first', { grantId: 'g-lost' }, 60);
    await new Adapter('AccessToken').upsert('at-other-grant', { grantId: 'g-other' }, 60);
    await expect(new Adapter('AuthorizationCode').consume('code-lost')).rejects.toBeInstanceOf(errors.InvalidGrant);
    const left = await database.db
      .selectFrom('oidc_payloads')
      .select(['model', 'id'])
      .where('id', 'in', ['g-lost', storedIdOf('AuthorizationCode', 'code-lost'), storedIdOf('AccessToken', 'at-first'), storedIdOf('AccessToken', 'at-other-grant')])
      .execute();
    expect(left).toEqual([{ model: 'AccessToken', id: storedIdOf('AccessToken', 'at-other-grant') }]);
  });

  it('revokes by grant id only the artefacts of that grant and model', async () => {
    const tokens = new Adapter('AccessToken');
    const refresh = new Adapter('RefreshToken');
    await tokens.upsert('at-1', { grantId: 'g-3' }, 60);
    await tokens.upsert('at-2', { grantId: 'g-3' }, 60);
    await tokens.upsert('at-3', { grantId: 'g-other' }, 60);
    await refresh.upsert('rt-1', { grantId: 'g-3' }, 60);
    await tokens.revokeByGrantId('g-3');
    expect(await tokens.find('at-1')).toBeUndefined();
    expect(await tokens.find('at-2')).toBeUndefined();
    expect(await tokens.find('at-3')).toBeDefined();
    expect(await refresh.find('rt-1')).toBeDefined();
  });

  it('stops finding a payload once it has expired, and cleans it up later', async () => {
    const interactions = new Adapter('Interaction');
    await interactions.upsert('s-1', { uid: 'uid-1', accountId: 'a' }, 60);
    expect(await interactions.findByUid('uid-1')).toEqual({ uid: 'uid-1', accountId: 'a' });
    await backdate('Interaction', 's-1');
    expect(await interactions.find('s-1')).toBeUndefined();
    expect(await interactions.findByUid('uid-1')).toBeUndefined();
    expect(await deleteExpiredPayloads(database.db)).toBeGreaterThanOrEqual(1);
    const left = await database.db.selectFrom('oidc_payloads').select('id').where('id', '=', 's-1').execute();
    expect(left).toEqual([]);
  });

  it('keeps no browser sessions, as no sign-in ever reuses one', async () => {
    const sessions = new Adapter('Session');
    await sessions.upsert('s-2', { uid: 'uid-2', accountId: 'a' }, 60);
    expect(await sessions.find('s-2')).toBeUndefined();
    expect(await sessions.findByUid('uid-2')).toBeUndefined();
    const stored = await database.db.selectFrom('oidc_payloads').select('id').where('model', '=', 'Session').execute();
    expect(stored).toEqual([]);
  });

  it('keeps a payload without expiry until it is destroyed', async () => {
    const grants = new Adapter('Grant');
    await grants.upsert('grant-1', { accountId: 'a' });
    await deleteExpiredPayloads(database.db);
    expect(await grants.find('grant-1')).toEqual({ accountId: 'a' });
    await grants.destroy('grant-1');
    expect(await grants.find('grant-1')).toBeUndefined();
  });

  it('finds device-flow payloads by user code', async () => {
    const codes = new Adapter('DeviceCode');
    await codes.upsert('dc-1', { userCode: 'ABCD-EFGH' }, 60);
    expect(await codes.findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
  });

  it('reads clients from the relying-party tables, not from its own rows', async () => {
    const clientAdapter = new Adapter('Client');
    expect(await clientAdapter.find('known-client')).toEqual({ client_id: 'known-client' });
    expect(await clientAdapter.find('unknown-client')).toBeUndefined();
  });
});
