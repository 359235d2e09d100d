import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidPid, pidCheckDigit } from '../../src/registry/pid.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { runCli } from '../support/cli.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const admin = (method: 'get' | 'post', url: string) =>
  request(server.url)[method](`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);

const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });

describe('the admin API', () => {
  it('refuses requests without the admin token', async () => {
    const response = await request(server.url).get('/admin/api/citizens').expect(401);
    expect(response.body.error).toBe('unauthorized');
    await request(server.url).get('/admin/api/citizens').set('authorization', 'Bearer wrong').expect(401);
  });

  it('explains each invalid field of a relying-party request', async () => {
    const response = await admin('post', '/relying-parties')
      .send({ name: '', redirectUris: ['not a url'], scopes: ['pid', 'favourite_colour'] })
      .expect(400);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.error_description).toContain('name');
    expect(response.body.error_description).toContain('redirectUris.0');
    expect(response.body.error_description).toContain('every scope must be openid or one of');
  });

  it('accepts only https redirect URIs, and http ones on this computer', async () => {
    const response = await admin('post', '/relying-parties')
      .send({ name: 'A', redirectUris: ['javascript:alert(1)'], scopes: ['pid'] })
      .expect(400);
    expect(response.body.error_description).toContain('must use https');
    for (const plain of ['http://service.example.go.th/cb', 'http://10.0.0.5/cb', 'http://localhost.example.com/cb']) {
      const refused = await admin('post', '/relying-parties').send({ name: 'A', redirectUris: [plain], scopes: ['pid'] }).expect(400);
      expect(refused.body.error_description).toContain('http is allowed only on this computer');
    }
    for (const allowed of ['https://service.example.go.th/cb', 'http://localhost:8080/cb', 'http://127.0.0.1:9000/cb', 'http://[::1]:8080/cb', 'http://app.localhost/cb']) {
      await admin('post', '/relying-parties').send({ name: 'A', redirectUris: [allowed], scopes: ['pid'] }).expect(201);
    }
  });

  it('refuses a redirect URI or a data item listed twice, as the application form does', async () => {
    const twiceUri = await admin('post', '/relying-parties')
      .send({ name: 'A', redirectUris: ['https://a.example/cb', 'https://a.example/cb'], scopes: ['pid'] })
      .expect(400);
    expect(twiceUri.body.error_description).toContain('names a redirect URI twice');
    const twiceItem = await admin('post', '/relying-parties').send({ name: 'A', redirectUris: ['https://a.example/cb'], scopes: ['pid', 'name', 'pid'] }).expect(400);
    expect(twiceItem.body.error_description).toContain('names a data item twice');
  });

  it('refuses control characters in a name, which the ledger would keep and a terminal would act on; a purpose keeps its line breaks', async () => {
    const base = { redirectUris: ['https://a.example/cb'], scopes: ['pid'] };
    for (const [field, value] of [
      ['name', 'Agency\u001b[2J'],
      ['nameEn', 'Agency\nOn two lines'],
      ['systemName', 'App\u0007'],
      ['purpose', 'Sign-in\u001b]0;title\u0007'],
    ] as const) {
      const refused = await admin('post', '/relying-parties').send({ name: 'A', ...base, [field]: value }).expect(400);
      expect(refused.body.error_description, field).toContain(`${field}: must not contain control characters`);
    }
    await admin('post', '/relying-parties').send({ name: 'กรมทดสอบ', ...base, purpose: 'Sign-in\r\nfor the\tcounter' }).expect(201);
  });

  it('refuses an unknown parameter of the citizen list, and a limit out of range, saying what it takes', async () => {
    const unknown = await request(server.url).get('/admin/api/citizens?limt=5').set('authorization', `Bearer ${testAdminToken}`).expect(400);
    expect(unknown.body.error_description).toContain('unknown parameter limt: the parameters here are limit, after');
    const limit = await request(server.url).get('/admin/api/citizens?limit=0').set('authorization', `Bearer ${testAdminToken}`).expect(400);
    expect(limit.body.error_description).toContain('limit: must be a whole number from 1 to 1000');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const response = await admin('post', '/relying-parties').set('content-type', 'application/json').send('{"name": ').expect(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('shows a citizen, and says clearly when an ID is malformed or unknown', async () => {
    const persona = demoPersonas[0]!;
    expect((await admin('get', `/citizens/${persona.pid}`).expect(200)).body).toEqual(persona);
    const malformed = await admin('get', '/citizens/1234567890123').expect(400);
    expect(malformed.body.error_description).toContain('check digit');
    const unknown = `100000000001${pidCheckDigit('100000000001')}`;
    await admin('get', `/citizens/${unknown}`).expect(404);
  });

  it('lists citizens page by page', async () => {
    const first = (await admin('get', '/citizens?limit=5').expect(200)).body;
    expect(first.citizens).toHaveLength(5);
    expect(first.total).toBeGreaterThanOrEqual(50);
    const next = (await admin('get', `/citizens?limit=5&after=${first.citizens[4].pid}`).expect(200)).body;
    expect(next.citizens[0].pid > first.citizens[4].pid).toBe(true);
    await admin('get', '/citizens?limit=0').expect(400);
  });
});

describe('the CLI as an admin API client', () => {
  it('rp create prints the new credentials as JSON, and they work at once', async () => {
    const result = await cli(['rp', 'create', '--name', 'กรมทดสอบ', '--redirect-uri', 'https://app.example.test/cb', '--scopes', 'openid pid name', '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(created).toMatchObject({ redirectUris: ['https://app.example.test/cb'], scopes: ['openid', 'pid', 'name'] });
    expect(created.clientSecret).toMatch(/^[\w-]{43}$/);
    const token = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://app.example.test/cb', client_id: created.clientId, client_secret: created.clientSecret })
      .expect(400);
    expect(token.body.error).toBe('invalid_grant');
  });

  it('stores only a hash of the secret', async () => {
    const created = JSON.parse((await cli(['rp', 'create', '--name', 'A', '--redirect-uri', 'https://a.example.test/cb', '--json'])).stdout);
    const row = await server.database.db.selectFrom('agency_systems').selectAll().where('client_id', '=', created.clientId).executeTakeFirstOrThrow();
    expect(row.client_secret_hash).not.toContain(created.clientSecret);
    expect(row.client_secret_hash).toMatch(/^sha256:/);
  });

  it('rp create reports a validation error in words', async () => {
    const result = await cli(['rp', 'create', '--name', 'A', '--redirect-uri', 'https://a.example.test/cb', '--scopes', 'openid shoe_size']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('every scope must be openid or one of');
  });

  it('citizen show and citizen list print the registry', async () => {
    const persona = demoPersonas[0]!;
    const shown = await cli(['citizen', 'show', persona.pid]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(persona.givenNameTh);
    expect(shown.stdout).toContain(persona.address.province);
    const listed = JSON.parse((await cli(['citizen', 'list', '--limit', '3', '--json'])).stdout);
    expect(listed.citizens).toHaveLength(3);
    expect(listed.citizens.every((c: { pid: string }) => isValidPid(c.pid))).toBe(true);
  });
});
