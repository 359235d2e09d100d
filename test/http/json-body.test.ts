import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { parseJson } from '../../src/http/json-body.ts';
import { basicAuth } from '../support/http.ts';
import { demo } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * A JSON string may escape half of a surrogate pair alone ("\ud800"). It is no character: PostgreSQL's json refuses
 * it (the write failed as a query, a 500) and its text keeps a replacement character instead (the value changed
 * silently). Every JSON body of ours refuses it as a bad request, as it refuses NUL.
 */
const refusal = { error: 'invalid_request', error_description: expect.stringContaining('unpaired UTF-16 surrogate') };

describe('parseJson', () => {
  const status = (raw: string) => {
    try {
      parseJson(Buffer.from(raw));
      return 200;
    } catch (error) {
      return error instanceof AppError ? error.status : 500;
    }
  };

  it('refuses a lone high or low surrogate in a value or a key', () => {
    expect(status('{"name":"a\\ud800"}')).toBe(400);
    expect(status('{"name":"\\udc00b"}')).toBe(400);
    expect(status('{"list":["x","\\udbff"]}')).toBe(400);
    expect(status('{"\\ud800":"x"}')).toBe(400);
  });

  it('takes a surrogate pair, escaped or not, as the character it is', () => {
    expect(parseJson(Buffer.from('{"name":"\\ud83d\\ude00 😀"}'))).toEqual({ name: '😀 😀' });
  });
});

describe('a lone surrogate in a JSON body', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  const admin = (path: string, body: string) =>
    request(server.url).post(`/admin/api${path}`).set('authorization', `Bearer ${testAdminToken}`).set('content-type', 'application/json').send(body);

  it('is refused with 400 where a json column would have failed with a 500', async () => {
    const rp = '{"name":"กรมทดสอบ\\ud800","redirectUris":["https://rp.example.test/cb"],"scopes":["pid"]}';
    expect((await admin('/relying-parties', rp).expect(400)).body).toEqual(refusal);
    expect((await admin('/applications', '{"kind":"new","remarks":"x\\udfff"}').expect(400)).body).toEqual(refusal);
  });

  it('is refused with 400 where a text column would have kept a replacement character', async () => {
    const answer = await admin('/conditions', '{"textTh":"ข้อหนึ่ง\\ud800","textEn":"Clause one"}').expect(400);
    expect(answer.body).toEqual(refusal);
    const current = await request(server.url).get('/admin/api/conditions').set('authorization', `Bearer ${testAdminToken}`).expect(200);
    expect(JSON.stringify(current.body)).not.toContain('\ufffd');
  });
});

describe('a body over the size an address takes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  it('is refused with 413, saying the limit, on the admin API and the device API alike', async () => {
    const large = JSON.stringify({ name: 'x'.repeat(70 * 1024), redirectUris: ['https://rp.example.test/cb'], scopes: ['pid'] });
    const admin = await request(server.url)
      .post('/admin/api/relying-parties')
      .set('authorization', `Bearer ${testAdminToken}`)
      .set('content-type', 'application/json')
      .send(large)
      .expect(413);
    expect(admin.body).toEqual({ error: 'invalid_request', error_description: 'The request body is larger than 64 KiB, the most this address takes.' });
    const device = await request(server.url).post('/device/v1/enrolments').set('content-type', 'application/json').send(large).expect(413);
    expect(device.body.error_description).toContain('larger than 64 KiB');
  });

  it.each(['token', 'introspect', 'revoke', 'userinfo'])(
    'is refused with 413 and an OAuth error naming the limit at the %s endpoint, which reads its own body',
    async (endpoint) => {
      const response = await request(server.url)
        .post(`/api/v2/oauth2/${endpoint}/`)
        .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
        .type('form')
        .send({ grant_type: 'authorization_code', token: 'x', padding: 'x'.repeat(60 * 1024) })
        .expect(413);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The request body is larger than 56 KiB, the most this address takes.' });
    },
  );

  it('is taken at the token endpoint just under that limit, and judged as any other request', async () => {
    const response = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: demo.redirectUris[0], padding: 'x'.repeat(50 * 1024) })
      .expect(400);
    expect(response.body.error).toBe('invalid_grant');
  });
});
