import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { basicAuth } from '../support/http.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const admin = { authorization: `Bearer ${testAdminToken}` };
const issue = (clientId: string) => request(server.url).post(`/admin/api/systems/${encodeURIComponent(clientId)}/api-key`).set(admin).send({});

/**
 * A token request with the system's own secret, a code that does not exist and `key` as its API key: a key the
 * system takes gets as far as invalid_grant (400); one it refuses gets invalid_client (401).
 */
async function keyAccepted(rp: CreatedRelyingParty, key: string): Promise<boolean> {
  const response = await request(server.url)
    .post('/api/v2/oauth2/token/')
    .type('form')
    .set('authorization', basicAuth(rp.clientId, rp.clientSecret!))
    .set('x-imauth-apikey', key)
    .send({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: rp.redirectUris[0]! });
  if (response.status === 400 && response.body.error === 'invalid_grant') return true;
  if (response.status === 401 && response.body.error === 'invalid_client') return false;
  throw new Error(`unexpected answer ${response.status} ${JSON.stringify(response.body)}`);
}

describe('issuing a system a new API key', () => {
  it('gives a key that the token endpoint takes at once; the key it replaces is refused from then on', async () => {
    const rp = await createRelyingParty(server);
    expect(await keyAccepted(rp, rp.apiKey)).toBe(true);

    const response = await issue(rp.clientId).expect(200);
    const { apiKey, replacedKey } = response.body as { apiKey: string; replacedKey: boolean };
    expect(apiKey).toMatch(/^[\w-]{43}$/);
    expect(apiKey).not.toBe(rp.apiKey);
    expect(replacedKey).toBe(true);
    expect(await keyAccepted(rp, apiKey)).toBe(true);
    expect(await keyAccepted(rp, rp.apiKey)).toBe(false);

    // Only its hash is kept, and the audit record names neither key.
    const stored = await server.database.db.selectFrom('agency_systems').selectAll().where('client_id', '=', rp.clientId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(apiKey);
    const audited = await server.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'system.api_key.issue').where('target_id', '=', rp.clientId).execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor_kind: 'admin_token', after: { replacedKey: true } });
    expect(JSON.stringify(audited)).not.toContain(apiKey);
    expect(JSON.stringify(audited)).not.toContain(rp.apiKey);
  });

  it('gives a system that had no key its first one, which a request may then send', async () => {
    const rp = await createRelyingParty(server);
    await server.database.db.updateTable('agency_systems').set({ api_key_hash: null }).where('client_id', '=', rp.clientId).execute();
    const refused = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .type('form')
      .set('authorization', basicAuth(rp.clientId, rp.clientSecret!))
      .set('x-imauth-apikey', 'some-key')
      .send({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: rp.redirectUris[0]! })
      .expect(401);
    expect(refused.body.error_description).toContain('system new-api-key');

    const { apiKey, replacedKey } = (await issue(rp.clientId).expect(200)).body as { apiKey: string; replacedKey: boolean };
    expect(replacedKey).toBe(false);
    expect(await keyAccepted(rp, apiKey)).toBe(true);
  });

  it('refuses a cancelled system with 409, an unknown one with 404, and a caller without the admin token with 401', async () => {
    const rp = await createRelyingParty(server);
    await request(server.url).post(`/admin/api/systems/${rp.clientId}/status`).set(admin).send({ status: 'cancelled', reason: 'Contract ended', notice: 'after' }).expect(200);
    const cancelled = await issue(rp.clientId).expect(409);
    expect(cancelled.body).toMatchObject({ error: 'cancelled' });
    expect(cancelled.body.error_description).toContain('it gets no new API key');
    await issue('no-such-client').expect(404);
    await request(server.url).post(`/admin/api/systems/${rp.clientId}/api-key`).send({}).expect(401);
  });
});

describe('thaid-emulator system new-api-key', () => {
  const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: '/nonexistent-data-dir' });

  it('prints the new key once, and as JSON with --json', async () => {
    const rp = await createRelyingParty(server);
    const result = await cli(['system', 'new-api-key', rp.clientId]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const key = /api_key\s+(\S+)/.exec(result.stdout)?.[1];
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(result.stdout.split(key!).length - 1).toBe(1);
    expect(result.stdout).toContain('the previous key stopped working now');
    expect(await keyAccepted(rp, key!)).toBe(true);

    const json = await cli(['system', 'new-api-key', rp.clientId, '--json']);
    expect(json.status).toBe(0);
    const issued = JSON.parse(json.stdout) as { clientId: string; apiKey: string };
    expect(issued.clientId).toBe(rp.clientId);
    expect(await keyAccepted(rp, issued.apiKey)).toBe(true);
    expect(await keyAccepted(rp, key!)).toBe(false);
  });

  it('explains an unknown system and a missing client id, with a failing status', async () => {
    const unknown = await cli(['system', 'new-api-key', 'no-such-client']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/No system with client_id no-such-client/);
    const usage = await cli(['system', 'new-api-key']);
    expect(usage.status).not.toBe(0);
    expect(usage.stderr).toMatch(/system new-api-key CLIENT_ID/);
  });
});
