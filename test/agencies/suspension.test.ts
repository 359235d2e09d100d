import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAgencyStatus, setSystemStatus } from '../../src/agencies/queries.ts';
import { authorizationUrl, createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { basicAuth } from '../support/http.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());


function tokenRequest(rp: CreatedRelyingParty) {
  return request(server.url)
    .post('/api/v2/oauth2/token/')
    .set('authorization', basicAuth(rp.clientId, rp.clientSecret!))
    .type('form')
    .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: rp.redirectUris[0] });
}

describe.each([
  ['a suspended system', (rp: CreatedRelyingParty) => setSystemStatus(server.database.db, rp.clientId, 'suspended'), true],
  ['a cancelled system', (rp: CreatedRelyingParty) => setSystemStatus(server.database.db, rp.clientId, 'cancelled'), false],
  ['a system of a suspended agency', (rp: CreatedRelyingParty) => setAgencyStatus(server.database.db, rp.agencyId, 'suspended'), true],
])('%s, set in the database', (_, suspend, reinstatable) => {
  it('gets invalid_client at once on every endpoint, and works again when reinstated (cancellation is final)', async () => {
    const rp = await createRelyingParty(server);
    expect((await tokenRequest(rp).expect(400)).body.error).toBe('invalid_grant');

    await suspend(rp);

    const answer = await tokenRequest(rp).expect(401);
    const refused = answer.body;
    expect(refused.error).toBe('invalid_client');
    // As on the authorization endpoint's page: the description names a stopped system among the causes, in the
    // body and in the Basic challenge alike.
    expect(refused.error_description).toContain('suspended or cancelled');
    expect(answer.headers['www-authenticate']).toContain(`error_description="${refused.error_description}"`);
    for (const endpoint of ['introspect', 'revoke']) {
      const response = await request(server.url)
        .post(`/api/v2/oauth2/${endpoint}/`)
        .set('authorization', basicAuth(rp.clientId, rp.clientSecret!))
        .type('form')
        .send({ token: 'x' })
        .expect(401);
      expect(response.body.error).toBe('invalid_client');
      expect(response.body.error_description).toContain('suspended or cancelled');
    }
    const page = await request(server.url)
      .get(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: rp.redirectUris[0]! }))
      .expect(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).toContain('suspended or cancelled');

    if (!reinstatable) {
      await expect(setSystemStatus(server.database.db, rp.clientId, 'active')).rejects.toThrow(/cancellation is final/);
      expect((await tokenRequest(rp).expect(401)).body.error).toBe('invalid_client');
      return;
    }
    await setSystemStatus(server.database.db, rp.clientId, 'active');
    await setAgencyStatus(server.database.db, rp.agencyId, 'active');
    expect((await tokenRequest(rp).expect(400)).body.error).toBe('invalid_grant');
  });
});
