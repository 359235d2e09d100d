import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashClientSecret } from '../../src/agencies/client-credentials.ts';
import { insertAgencyWithSystem, setSystemStatus } from '../../src/agencies/queries.ts';
import type { Database, RunStatement } from '../../src/db/database.ts';
import type Koa from 'koa';
import { createAdapterClass } from '../../src/oidc/adapter.ts';
import { capturedStorageWrites, holdStorageWrites } from '../../src/oidc/held-writes.ts';
import { openTestDatabase } from '../support/open-database.ts';

let database: Database;
let dispose: () => Promise<void>;

/** Every statement the adapter runs, and every client lookup it makes by itself. */
let statements: string[] = [];
let clientLookups: string[] = [];
/** The provider request the adapter's calls belong to; undefined between requests. */
let request: object | undefined;

let Adapter: ReturnType<typeof createAdapterClass>;
const clientId = 'read-ahead-client';

beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
  await insertAgencyWithSystem(
    database.db,
    { nameTh: 'หน่วยงานทดสอบ', nameEn: 'Test Agency' },
    {
      clientId,
      name: 'Test System',
      purpose: 'Testing',
      redirectUris: ['https://rp.example.test/callback'],
      scopes: ['pid', 'name'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecretHash: hashClientSecret('secret'),
    },
  );
  const run: RunStatement = (statement, parameters) => {
    statements.push(statement);
    return database.run(statement, parameters);
  };
  Adapter = createAdapterClass(
    run,
    async (id) => {
      clientLookups.push(id);
      return { client_id: id, looked_up: true };
    },
    { request: () => request, providerContext: () => request },
  );
});
afterAll(() => dispose?.());

async function storeToken(tokenId: string, grantId: string, grant: Record<string, unknown> = { accountId: 'a', scope: 'openid' }) {
  request = undefined;
  await new Adapter('Grant').upsert(grantId, grant, 600);
  await new Adapter('AccessToken').upsert(tokenId, { grantId, clientId, accountId: 'a' }, 600);
  statements = [];
  clientLookups = [];
}

describe('what the provider storage reads ahead within one request', () => {
  it('brings a token’s grant and active client in the token’s own statement', async () => {
    await storeToken('at-1', 'grant-1');
    request = {};
    expect(await new Adapter('AccessToken').find('at-1')).toMatchObject({ grantId: 'grant-1', clientId });
    expect(await new Adapter('Grant').find('grant-1')).toEqual({ accountId: 'a', scope: 'openid' });
    expect(await new Adapter('Client').find(clientId)).toMatchObject({
      client_id: clientId,
      client_name: 'Test System',
      redirect_uris: ['https://rp.example.test/callback'],
      scope: 'pid name',
      agency_name_en: 'Test Agency',
    });
    expect(statements).toHaveLength(1);
    expect(clientLookups).toEqual([]);
  });

  it('brings an answered interaction’s grant (the one its result made) and client', async () => {
    request = undefined;
    await new Adapter('Grant').upsert('grant-2', { accountId: 'b' }, 600);
    await new Adapter('Interaction').upsert(
      'uid-2',
      { grantId: 'grant-before', params: { client_id: clientId }, result: { consent: { grantId: 'grant-2' } } },
      600,
    );
    statements = [];
    request = {};
    await new Adapter('Interaction').find('uid-2');
    expect(await new Adapter('Grant').find('grant-2')).toEqual({ accountId: 'b' });
    expect(await new Adapter('Client').find(clientId)).toMatchObject({ client_id: clientId });
    expect(statements).toHaveLength(1);
  });

  it('keeps an answered interaction for the provider, which reads it again when it resumes; never an unanswered one', async () => {
    request = undefined;
    const answered = { params: { client_id: clientId }, result: { login: { accountId: 'c' } } };
    await new Adapter('Interaction').upsert('uid-3', answered, 600);
    await new Adapter('Interaction').upsert('uid-4', { params: { client_id: clientId } }, 600);
    statements = [];
    request = {};
    // The login page reads it, then the provider resumes it in the same request.
    expect(await new Adapter('Interaction').find('uid-3')).toEqual(answered);
    expect(await new Adapter('Interaction').find('uid-3')).toEqual(answered);
    expect(statements).toHaveLength(1);
    // An interaction without its answer may get one at any moment, from the device's request: each look is a
    // fresh read.
    const page = request;
    await new Adapter('Interaction').find('uid-4');
    request = {};
    await new Adapter('Interaction').upsert('uid-4', answered, 600);
    request = page;
    expect(await new Adapter('Interaction').find('uid-4')).toEqual(answered);
    expect(statements).toHaveLength(4);
    // The resume destroys it; it is not served after that.
    await new Adapter('Interaction').find('uid-3');
    await new Adapter('Interaction').destroy('uid-3');
    expect(await new Adapter('Interaction').find('uid-3')).toBeUndefined();
  });

  it('brings only the grant with a code, whose client the token endpoint has already authenticated', async () => {
    request = undefined;
    await new Adapter('Grant').upsert('grant-8', { accountId: 'c' }, 600);
    await new Adapter('AuthorizationCode').upsert('code-8', { grantId: 'grant-8', clientId }, 600);
    statements = [];
    clientLookups = [];
    request = {};
    await new Adapter('AuthorizationCode').find('code-8');
    expect(await new Adapter('Grant').find('grant-8')).toEqual({ accountId: 'c' });
    expect(statements).toHaveLength(1);
    expect(statements[0]).not.toContain('active_systems');
    await new Adapter('Client').find(clientId);
    expect(clientLookups).toEqual([clientId]);
  });

  describe('at the token endpoint', () => {
    const tokenRequest = (params: Record<string, unknown>) => ({ oidc: { route: 'token', params } });

    async function storeCode(codeId: string, grantId: string) {
      request = undefined;
      await new Adapter('Grant').upsert(grantId, { accountId: 'd' }, 600);
      await new Adapter('AuthorizationCode').upsert(codeId, { grantId, clientId }, 600);
      statements = [];
      clientLookups = [];
    }

    it('brings the code being redeemed, and its grant, with the client it authenticates first', async () => {
      await storeCode('code-10', 'grant-10');
      request = tokenRequest({ grant_type: 'authorization_code', code: 'code-10' });
      expect(await new Adapter('Client').find(clientId)).toMatchObject({ client_id: clientId, client_name: 'Test System' });
      expect(await new Adapter('AuthorizationCode').find('code-10')).toEqual({ grantId: 'grant-10', clientId });
      expect(await new Adapter('Grant').find('grant-10')).toEqual({ accountId: 'd' });
      expect(statements).toHaveLength(1);
      expect(clientLookups).toEqual([]);
    });

    it('brings a consumed code as consumed, and no code that does not exist', async () => {
      await storeCode('code-11', 'grant-11');
      await new Adapter('AuthorizationCode').consume('code-11');
      request = tokenRequest({ grant_type: 'authorization_code', code: 'code-11' });
      await new Adapter('Client').find(clientId);
      expect(await new Adapter('AuthorizationCode').find('code-11')).toMatchObject({ consumed: expect.any(Number) });
      request = tokenRequest({ grant_type: 'authorization_code', code: 'no-such-code' });
      expect(await new Adapter('Client').find(clientId)).toMatchObject({ client_id: clientId });
      expect(await new Adapter('AuthorizationCode').find('no-such-code')).toBeUndefined();
    });

    it('finds no client for a suspended system, and reads ahead only for a code being redeemed', async () => {
      await storeCode('code-12', 'grant-12');
      await setSystemStatus(database.db, clientId, 'suspended');
      try {
        request = tokenRequest({ grant_type: 'authorization_code', code: 'code-12' });
        expect(await new Adapter('Client').find(clientId)).toBeUndefined();
      } finally {
        await setSystemStatus(database.db, clientId, 'active');
      }
      request = tokenRequest({ grant_type: 'refresh_token', refresh_token: 'code-12' });
      await new Adapter('Client').find(clientId);
      request = { oidc: { route: 'introspection', params: { code: 'code-12' } } };
      await new Adapter('Client').find(clientId);
      expect(clientLookups).toEqual([clientId, clientId]);
    });
  });

  it('serves what it read ahead once, then reads again', async () => {
    await storeToken('at-3', 'grant-3');
    request = {};
    await new Adapter('AccessToken').find('at-3');
    await new Adapter('Grant').find('grant-3');
    await new Adapter('Grant').find('grant-3');
    expect(statements).toHaveLength(2);
  });

  it('reads nothing ahead outside a request, or for another request', async () => {
    await storeToken('at-4', 'grant-4');
    request = undefined;
    await new Adapter('AccessToken').find('at-4');
    await new Adapter('Grant').find('grant-4');
    request = {};
    await new Adapter('AccessToken').find('at-4');
    request = {};
    await new Adapter('Grant').find('grant-4');
    await new Adapter('Client').find(clientId);
    expect(statements).toHaveLength(4);
    expect(clientLookups).toEqual([clientId]);
  });

  it('does not serve a payload the request itself wrote since', async () => {
    await storeToken('at-5', 'grant-5');
    request = {};
    await new Adapter('AccessToken').find('at-5');
    await new Adapter('Grant').upsert('grant-5', { accountId: 'a', scope: 'openid pid' }, 600);
    expect(await new Adapter('Grant').find('grant-5')).toEqual({ accountId: 'a', scope: 'openid pid' });
  });

  it('does not bring the client of a suspended system, leaving the lookup to the client source', async () => {
    await storeToken('at-6', 'grant-6');
    await setSystemStatus(database.db, clientId, 'suspended');
    try {
      request = {};
      await new Adapter('AccessToken').find('at-6');
      await new Adapter('Client').find(clientId);
      expect(clientLookups).toEqual([clientId]);
    } finally {
      await setSystemStatus(database.db, clientId, 'active');
    }
  });

  it('does not bring a grant that has expired', async () => {
    await storeToken('at-7', 'grant-7');
    await database.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 1000) }).where('model', '=', 'Grant').where('id', '=', 'grant-7').execute();
    request = {};
    await new Adapter('AccessToken').find('at-7');
    expect(await new Adapter('Grant').find('grant-7')).toBeUndefined();
    expect(statements).toHaveLength(2);
  });

  describe('in an HTTP request, as the server keys it', () => {
    const inRequest = (handle: () => Promise<void>) => holdStorageWrites({} as Koa.Context, handle);
    /** The storage as the server makes it: its request is the one under way, not the test's `request`. */
    const serverAdapter = () =>
      createAdapterClass((statement, parameters) => {
        statements.push(statement);
        return database.run(statement, parameters);
      }, async () => undefined);

    it('keeps nothing for work the request leaves running once it has ended', async () => {
      const ServerAdapter = serverAdapter();
      request = undefined;
      await new Adapter('Interaction').upsert('uid-6', { params: { client_id: clientId }, result: { login: { accountId: 'f' } } }, 600);
      let release!: () => void;
      const ended = new Promise<void>((resolve) => (release = resolve));
      let leftRunning: Promise<void> | undefined;
      await inRequest(async () => {
        leftRunning = ended.then(async () => {
          await new ServerAdapter('Interaction').find('uid-6');
          await new ServerAdapter('Interaction').find('uid-6');
        });
      });
      statements = [];
      release();
      await leftRunning;
      expect(statements).toHaveLength(2);
    });

    it('drops what the request read ahead when a write is captured in it, as for a device’s answer', async () => {
      const ServerAdapter = serverAdapter();
      request = undefined;
      await new Adapter('Interaction').upsert('uid-5', { params: { client_id: clientId }, result: { login: { accountId: 'e' } } }, 600);
      statements = [];
      await inRequest(async () => {
        await new ServerAdapter('Interaction').find('uid-5');
        await new ServerAdapter('Interaction').find('uid-5');
        expect(statements).toHaveLength(1);
        await new ServerAdapter('Interaction').find('uid-5');
        await capturedStorageWrites(() => new ServerAdapter('Interaction').upsert('uid-5', { params: { client_id: clientId } }, 600));
        // The captured write is not made yet, but what was read before it is no longer served.
        await new ServerAdapter('Interaction').find('uid-5');
        expect(statements).toHaveLength(3);
      });
      // Outside any request, nothing is kept.
      await new ServerAdapter('Interaction').find('uid-5');
      await new ServerAdapter('Interaction').find('uid-5');
      expect(statements).toHaveLength(5);
    });
  });
});
