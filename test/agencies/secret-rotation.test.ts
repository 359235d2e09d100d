import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../support/http.ts';
import { runCli } from '../support/cli.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

/**
 * A token request with a code that does not exist: a secret that authenticates gets invalid_grant (400), one that
 * does not gets invalid_client (401). Sent as client_secret_basic, or client_secret_post.
 */
async function authenticates(rp: CreatedRelyingParty, secret: string, method: 'basic' | 'post' = 'basic'): Promise<boolean> {
  const form = { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: rp.redirectUris[0]! };
  const base = request(server.url).post('/api/v2/oauth2/token/').type('form');
  const response =
    method === 'basic'
      ? await base.set('authorization', basicAuth(rp.clientId, secret)).send(form)
      : await base.send({ ...form, client_id: rp.clientId, client_secret: secret });
  if (response.status === 400 && response.body.error === 'invalid_grant') return true;
  if (response.status === 401 && response.body.error === 'invalid_client') return false;
  throw new Error(`unexpected answer ${response.status} ${JSON.stringify(response.body)}`);
}

/** Whether the agency API (its disclosure counts) takes the secret, as the token endpoint does. */
async function readsCounts(rp: CreatedRelyingParty, secret: string): Promise<boolean> {
  const response = await request(server.url).get('/api/agency/disclosures').set('authorization', basicAuth(rp.clientId, secret));
  if (response.status === 200) return true;
  if (response.status === 401 && response.body.error === 'invalid_client') return false;
  throw new Error(`unexpected answer ${response.status} ${JSON.stringify(response.body)}`);
}

const rotate = (clientId: string, body: Record<string, unknown>) =>
  request(server.url).post(`/admin/api/systems/${encodeURIComponent(clientId)}/secret`).set('authorization', `Bearer ${testAdminToken}`).send(body);

const expirePreviousSecret = (clientId: string) =>
  server.database.db
    .updateTable('agency_systems')
    .set({ previous_secret_expires_at: new Date(Date.now() - 1000) })
    .where('client_id', '=', clientId)
    .execute();

describe('rotating a client secret', () => {
  it('gives a new secret at once; the old one works through the grace window, then invalid_client', async () => {
    const rp = await createRelyingParty(server);
    const old = rp.clientSecret!;
    const before = Date.now();
    const response = await rotate(rp.clientId, {}).expect(200);
    const { clientSecret, previousSecretExpiresAt } = response.body as { clientSecret: string; previousSecretExpiresAt: string };
    expect(clientSecret).toMatch(/^[\w-]{43}$/);
    expect(clientSecret).not.toBe(old);
    // One day by default.
    expect(Date.parse(previousSecretExpiresAt) - before).toBeGreaterThan(86_400_000 - 60_000);
    expect(Date.parse(previousSecretExpiresAt) - before).toBeLessThan(86_400_000 + 60_000);
    // Only the hash is kept.
    const stored = await server.database.db.selectFrom('agency_systems').selectAll().where('client_id', '=', rp.clientId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(clientSecret);
    // The rotation is in the audit log, without either secret.
    const audited = await server.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'system.secret.rotate').where('target_id', '=', rp.clientId).execute();
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited)).not.toContain(clientSecret);
    expect(JSON.stringify(audited)).not.toContain(old);

    expect(await authenticates(rp, clientSecret)).toBe(true);
    expect(await authenticates(rp, clientSecret, 'post')).toBe(true);
    expect(await authenticates(rp, old)).toBe(true);
    expect(await authenticates(rp, old, 'post')).toBe(true);
    expect(await authenticates(rp, 'not-a-secret-of-this-system')).toBe(false);
    expect(await readsCounts(rp, clientSecret)).toBe(true);
    expect(await readsCounts(rp, old)).toBe(true);
    expect(await readsCounts(rp, 'not-a-secret-of-this-system')).toBe(false);

    await expirePreviousSecret(rp.clientId);
    expect(await authenticates(rp, old)).toBe(false);
    expect(await authenticates(rp, old, 'post')).toBe(false);
    expect(await authenticates(rp, clientSecret)).toBe(true);
    expect(await readsCounts(rp, old)).toBe(false);
    expect(await readsCounts(rp, clientSecret)).toBe(true);
  });

  it('with no grace, stops the old secret at once; a second rotation stops the first one replaced', async () => {
    const rp = await createRelyingParty(server);
    const first = (await rotate(rp.clientId, { grace: '0' }).expect(200)).body.clientSecret as string;
    expect(await authenticates(rp, rp.clientSecret!)).toBe(false);
    expect(await authenticates(rp, first)).toBe(true);

    const second = (await rotate(rp.clientId, { graceSeconds: 3600 }).expect(200)).body.clientSecret as string;
    expect(await authenticates(rp, second)).toBe(true);
    expect(await authenticates(rp, first)).toBe(true);
    const third = (await rotate(rp.clientId, { grace: '7d' }).expect(200)).body.clientSecret as string;
    expect(await authenticates(rp, third)).toBe(true);
    expect(await authenticates(rp, second)).toBe(true);
    expect(await authenticates(rp, first)).toBe(false);
  });

  it.each([
    [{ grace: '8d' }, /longer than 7 days/],
    [{ graceSeconds: 604_801 }, /longer than 7 days/],
    [{ grace: '169h' }, /longer than 7 days/],
    [{ grace: 'a week' }, /duration such as 0, 90s, 30m, 12h or 2d/],
    [{ graceSeconds: -1 }, /negative/],
    [{ grace: '1d', graceSeconds: 60 }, /not both/],
  ])('refuses the grace %j with 400, saying why, and keeps the secret', async (body, message) => {
    const rp = await createRelyingParty(server);
    const response = await rotate(rp.clientId, body).expect(400);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.error_description ?? response.body.message).toMatch(message);
    expect(await authenticates(rp, rp.clientSecret!)).toBe(true);
  });

  it('answers 400 for a public client, which has no secret, and 404 for an unknown system', async () => {
    const spa = await createRelyingParty(server, { publicClient: true });
    const refused = await rotate(spa.clientId, {}).expect(400);
    expect(JSON.stringify(refused.body)).toMatch(/public client/);
    await rotate('no-such-client', {}).expect(404);
    await request(server.url).post(`/admin/api/systems/${spa.clientId}/secret`).send({}).expect(401);
  });
});

describe('thaid-emulator system rotate-secret', () => {
  const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: '/nonexistent-data-dir' });

  it('prints the new secret once; the old one works for the grace given', async () => {
    const rp = await createRelyingParty(server);
    const result = await cli(['system', 'rotate-secret', rp.clientId, '--grace', '12h']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const secret = /client_secret (\S+)/.exec(result.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(result.stdout.split(secret!).length - 1).toBe(1);
    expect(result.stdout).toContain('shown only now');
    expect(await authenticates(rp, secret!)).toBe(true);
    expect(await authenticates(rp, rp.clientSecret!)).toBe(true);

    const json = await cli(['system', 'rotate-secret', rp.clientId, '--grace', '0', '--json']);
    expect(json.status).toBe(0);
    const rotation = JSON.parse(json.stdout) as { clientId: string; clientSecret: string; previousSecretExpiresAt: string };
    expect(rotation.clientId).toBe(rp.clientId);
    expect(await authenticates(rp, rotation.clientSecret)).toBe(true);
    expect(await authenticates(rp, secret!)).toBe(false);
  });

  it('explains a grace over 7 days and an unknown system, with a failing status', async () => {
    const rp = await createRelyingParty(server);
    const tooLong = await cli(['system', 'rotate-secret', rp.clientId, '--grace', '30d']);
    expect(tooLong.status).not.toBe(0);
    expect(tooLong.stderr).toMatch(/longer than 7 days/);
    const unknown = await cli(['system', 'rotate-secret', 'no-such-client']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/No system with client_id no-such-client/);
    // A generated client id may start with "-": it is still taken as the client id.
    const dashed = await cli(['system', 'rotate-secret', '-Gno-such-client', '--json']);
    expect(dashed.stderr).toMatch(/No system with client_id -Gno-such-client/);
    const usage = await cli(['system', 'rotate-secret']);
    expect(usage.stderr).toMatch(/Usage: system rotate-secret CLIENT_ID/);
  });
});
