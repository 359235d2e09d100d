import { sql } from 'kysely';
import { errors } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { createAdapterClass, deleteExpiredPayloads } from '../../src/oidc/adapter.ts';
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
  database.db.updateTable('oidc_payloads').set({ expires_at: sql`now() - interval '1 hour'` }).where('model', '=', model).where('id', '=', id).execute();

describe(`the oidc-provider adapter on ${postgresServerUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('stores and finds a payload, and replaces it on upsert', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code-1', { accountId: 'a', grantId: 'g-1', scope: 'openid' }, 60);
    expect(await codes.find('code-1')).toEqual({ accountId: 'a', grantId: 'g-1', scope: 'openid' });
    await codes.upsert('code-1', { accountId: 'b', grantId: 'g-1' }, 60);
    expect(await codes.find('code-1')).toEqual({ accountId: 'b', grantId: 'g-1' });
    expect(await new Adapter('AccessToken').find('code-1')).toBeUndefined();
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
      .where('id', 'in', ['g-lost', 'code-lost', 'at-first', 'at-other-grant'])
      .execute();
    expect(left).toEqual([{ model: 'AccessToken', id: 'at-other-grant' }]);
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
