import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { countCitizens } from '../../src/registry/queries.ts';
import { createRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { basicAuth } from '../support/http.ts';
import { loginPathOf } from '../support/browser-login.ts';

// Whichever server each test ends with; the data of all of them goes at the end.
const running: TestServer[] = [];
afterAll(async () => {
  for (const server of running) await server.dispose();
});

describe('a restarted server', () => {
  it('keeps its signing keys, its relying parties and its citizens', async () => {
    const first = await startTestServer();
    const jwksBefore = (await request(first.url).get('/api/v2/oauth2/jwks/').expect(200)).body;
    const rp = await createRelyingParty(first);
    const citizensBefore = await countCitizens(first.database.db);
    expect(citizensBefore).toBeGreaterThan(0);
    await first.stop();

    const server = await first.restart();
    running.push(server);
    const jwksAfter = (await request(server.url).get('/api/v2/oauth2/jwks/').expect(200)).body;
    expect(jwksAfter).toEqual(jwksBefore);
    expect(await countCitizens(server.database.db)).toBe(citizensBefore);
    expect(server.demo.seededNow).toBe(false);
    const token = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .set('authorization', basicAuth(rp.clientId, rp.clientSecret!))
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: rp.redirectUris[0] })
      .expect(400);
    expect(token.body.error).toBe('invalid_grant'); // the client authenticated, so it survived the restart
  });

  it('keeps an interaction cookie signed before the restart valid', async () => {
    const first = await startTestServer();
    const agent = request.agent(first.url);
    const query = new URLSearchParams({
      client_id: 'thaid-demo-client',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://localhost:8080/callback',
    });
    const start = await agent.get(`/api/v2/oauth2/auth/?${query}`).expect(200);
    await first.stop();
    const server = await first.restart();
    running.push(server);
    const page = await request(server.url)
      .get(loginPathOf(start.text))
      .set('cookie', (start.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; '))
      .expect(200);
    expect(page.text).toContain('Sign in with ThaID');
  });
});
