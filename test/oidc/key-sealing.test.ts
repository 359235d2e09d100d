import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys } from '../../src/oidc/keys.ts';
import { endpointPaths } from '../../src/oidc/paths.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let testDatabase: TestDatabase;
let server: TestServer | undefined;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  server = await startTestServer({ testDatabase });
});
afterAll(async () => {
  await server?.stop();
  await testDatabase.drop();
});

const rows = () => server!.database.db.selectFrom('signing_keys').selectAll().execute();

describe('private signing keys at rest', () => {
  it('are stored sealed: no row holds a key in the clear, nor its private part anywhere in its text', async () => {
    const stored = await rows();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    const keys = await loadSigningKeys(server!.database.db);
    for (const row of stored) {
      expect(row.private_jwk).toBeNull();
      expect(row.sealed_private_jwk).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/); // compact JWE, dir: no encrypted key
      const key = keys.find((k) => k.kid === row.kid)!;
      expect(key.d).toBeTruthy();
      expect(JSON.stringify(row)).not.toContain(key.d);
    }
    // They still sign: the published keys are the ones loaded.
    const jwks = (await (await fetch(`${server!.url}${endpointPaths.jwks}`)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(keys.map((k) => k.kid).sort());
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('are never stored twice nor not at all (a check of the table)', async () => {
    const db = server!.database.db;
    await expect(sql`insert into signing_keys (kid, alg) values ('neither', 'ES256')`.execute(db)).rejects.toThrow(/signing_keys_private_key_kept_once/);
    await expect(
      sql`insert into signing_keys (kid, alg, private_jwk, sealed_private_jwk) values ('both', 'ES256', '{}', 'x..y.z.w')`.execute(db),
    ).rejects.toThrow(/signing_keys_private_key_kept_once/);
  });

  it('stored in the clear before keys were sealed are sealed at the next start, and keep working', async () => {
    const [row] = await rows();
    const [clear] = (await loadSigningKeys(server!.database.db)).filter((k) => k.kid === row!.kid);
    await sql`update signing_keys set private_jwk = cast(${JSON.stringify(clear)} as jsonb), sealed_private_jwk = null where kid = ${row!.kid}`.execute(server!.database.db);
    await server!.stop();
    server = await startTestServer({ testDatabase });

    const after = (await rows()).find((r) => r.kid === row!.kid)!;
    expect(after.private_jwk).toBeNull();
    expect(after.sealed_private_jwk).toBeTruthy();
    expect((await loadSigningKeys(server.database.db)).find((k) => k.kid === row!.kid)).toEqual(clear);
  });

  it('cannot be opened with another key-encryption key: the start fails and says which variable to set', async () => {
    await server!.stop();
    const other = Buffer.alloc(32, 0x11).toString('base64url');
    const failed = await startTestServer({ testDatabase, env: { KEY_ENCRYPTION_KEY: other } }).then(
      (started) => {
        server = started;
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    expect(failed?.message).toMatch(/sealed with another key-encryption key .*KEY_ENCRYPTION_KEY/);
    server = await startTestServer({ testDatabase });
  });
});
