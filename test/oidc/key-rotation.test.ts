import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresServerUrl } from '../support/database.ts';
import { startServerProcess } from '../support/server-process.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

type PublishedKey = { kid: string; alg: string };
const jwksOf = async (url: string) => (await request(url).get('/api/v2/oauth2/jwks/').expect(200)).body.keys as PublishedKey[];
const rotate = async (url: string) =>
  (await request(url).post('/admin/api/signing-keys/rotate').set('authorization', `Bearer ${testAdminToken}`).expect(200)).body as {
    added: string[];
  };
/** The library signs with the first published key of an algorithm. */
const signingKids = (keys: PublishedKey[]) => ['RS256', 'ES256'].map((alg) => keys.find((k) => k.alg === alg)?.kid);

describe('rotating the signing keys', () => {
  it('adds new RS256 and ES256 keys that sign from now on, and keeps the old ones published', async () => {
    const before = await jwksOf(server.url);
    const { added } = await rotate(server.url);
    const after = await jwksOf(server.url);
    expect(added).toHaveLength(2);
    expect(after.map((k) => k.kid)).toEqual(expect.arrayContaining([...before.map((k) => k.kid), ...added]));
    expect(signingKids(after).sort()).toEqual([...added].sort());
  });

  it('stops publishing a superseded key when its window ends, even with no change to announce it', async () => {
    const { added } = await rotate(server.url);
    await server.database.db
      .updateTable('signing_keys')
      .set({ published_until: sql`now() + interval '1 second'` })
      .where('superseded_at', 'is not', null)
      .execute();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await jwksOf(server.url)).length).toBeGreaterThan(2);
    await server.maintain();
    expect((await jwksOf(server.url)).map((k) => k.kid).sort()).toEqual([...added].sort());
  });
});

describe.skipIf(!postgresServerUrl)('a rotation made through one of two server processes', () => {
  it('makes the other sign with the new keys and publish them too', async () => {
    const other = await startServerProcess({ databaseUrl: server.testDatabase.databaseUrl!, issuer: server.issuer });
    try {
      const { added } = await rotate(other.url);
      await expect.poll(async () => signingKids(await jwksOf(server.url)).sort(), { timeout: 5000 }).toEqual([...added].sort());
    } finally {
      await other.stop();
    }
  });
});
