import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let config: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  config = await discoverAsDemoClient(server);
});
afterAll(() => server?.dispose());

describe('removing ThaID from a phone', () => {
  it('ends the phone as the citizen’s device at once, with what it approved and the sign-in it had in hand, and the next phone’s history shows it', async () => {
    const citizen = await newCitizen(server);
    const phone = await enrolledDevice(server, citizen);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await phone.approve((await phone.scan(login.appLink)).id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    const inHand = await openLoginPage(server, (await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid')).url);
    await phone.scan(inHand.appLink);

    expect(await phone.remove()).toEqual({ removed: true });

    expect(await refusal(phone.me())).toMatchObject({ status: 401, code: 'device_revoked' });
    await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`).expect(401);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await inHand.browser.get(`${inHand.loginPath}/status`)).body.status).toBe('cancelled');

    const next = await enrolledDevice(server, citizen);
    const history = await next.history();
    // Newest first: the new phone, the removal, the token response's disclosure, the approval, the first phone.
    expect(history.entries.map((e) => (e.kind === 'event' ? e.event : e.kind))).toEqual(['device_enrolled', 'device_removed', 'disclosure', 'approved', 'device_enrolled']);
  });

  it('is refused for a phone removed already, as any request of it is', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    await phone.remove();
    expect(await refusal(phone.remove())).toMatchObject({ status: 401, code: 'device_revoked' });
  });
});
