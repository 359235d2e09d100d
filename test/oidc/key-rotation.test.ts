import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys } from '../../src/oidc/keys.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const jwks = async () => (await request(server.url).get('/api/v2/oauth2/jwks/').expect(200)).body.keys as { kid: string; alg: string }[];

describe('rotating the signing keys', () => {
  it('adds new RS256 and ES256 keys that sign from now on, and keeps the old ones published', async () => {
    const before = await jwks();
    const rotated = await request(server.url)
      .post('/admin/api/signing-keys/rotate')
      .set('authorization', `Bearer ${testAdminToken}`)
      .expect(200);
    expect(rotated.body.added).toHaveLength(2);
    const after = await jwks();
    expect(after.map((k) => k.kid)).toEqual(expect.arrayContaining(before.map((k) => k.kid)));
    expect(after).toHaveLength(4);
    // The library signs with the first key of an algorithm: the new ones come first.
    const firstOf = (alg: string) => after.find((k) => k.alg === alg)!.kid;
    expect(rotated.body.added).toEqual(expect.arrayContaining([firstOf('RS256'), firstOf('ES256')]));
  });

  it('stops publishing a superseded key once tokens it signed have expired', async () => {
    await server.database.db
      .updateTable('signing_keys')
      .set({ published_until: sql`now() - interval '1 second'` })
      .where('superseded_at', 'is not', null)
      .execute();
    const keys = await loadSigningKeys(server.database.db);
    expect(keys).toHaveLength(2);
  });
});
