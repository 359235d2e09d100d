import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let config: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  config = await discoverAsDemoClient(server);
});
afterAll(() => server?.dispose());

/** A sign-in of the demo relying party that `phone` has scanned and approved; the browser has not carried it on yet. */
async function approvedOn(phone: VirtualDevice, scope: string) {
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], scope);
  const login = await openLoginPage(server, rp.url);
  await phone.approve((await phone.scan(login.appLink)).id, login.matchNumber, testPin);
  return { rp, login };
}

const introspect = (token: string) =>
  request(server.url).post('/api/v2/oauth2/introspect/').auth(demo.clientId, demo.clientSecret).type('form').send({ token }).expect(200);

describe('enrolling a new phone', () => {
  it('ends every grant the old phone approved, with its access and refresh tokens, at once', async () => {
    const citizen = await newCitizen(server);
    const oldPhone = await enrolledDevice(server, citizen);
    const { rp, login } = await approvedOn(oldPhone, 'openid pid name');
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.refresh_token).toBeTruthy();
    await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`).expect(200);

    // Someone enrols another phone for the same citizen.
    await enrolledDevice(server, citizen);

    const userinfo = await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`);
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers['www-authenticate']).toContain('invalid_token');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
    expect((await introspect(tokens.refresh_token!)).body).toEqual({ active: false });
  });

  it('leaves other citizens’ tokens alone', async () => {
    const someone = await newCitizen(server);
    const phone = await enrolledDevice(server, someone);
    const { rp, login } = await approvedOn(phone, 'openid pid');
    const tokens = await rp.finish(await login.continueToRelyingParty());

    await enrolledDevice(server, await newCitizen(server));

    await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    expect((await introspect(tokens.refresh_token!)).body).toMatchObject({ active: true });
  });

  it('ends a sign-in the old phone approved while its browser is storing the grant: the relying party gets access_denied', async () => {
    const citizen = await newCitizen(server);
    const oldPhone = await enrolledDevice(server, citizen);
    const { login } = await approvedOn(oldPhone, 'openid pid');
    // The browser has read the approval; the new phone's enrolment lands just before it stores the grant.
    const Grant = server.providers.provider.Grant;
    const save = Grant.prototype.save;
    Grant.prototype.save = async function (this: InstanceType<typeof Grant>) {
      Grant.prototype.save = save;
      await enrolledDevice(server, citizen);
      return save.call(this);
    };
    try {
      const callback = new URL(await login.continueToRelyingParty());
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('code')).toBeNull();
    } finally {
      Grant.prototype.save = save;
    }
  });

  it('ends a sign-in the old phone approved that the browser has not yet carried on: no code is issued for it', async () => {
    const citizen = await newCitizen(server);
    const oldPhone = await enrolledDevice(server, citizen);
    const { login } = await approvedOn(oldPhone, 'openid pid');

    await enrolledDevice(server, citizen);

    const reload = await login.browser.get(login.loginPath);
    const location = String(reload.headers.location ?? '');
    expect(location).not.toContain('code=');
    expect(reload.status).toBeGreaterThanOrEqual(400);
    expect(reload.status).toBeLessThan(500);
  });
});
