import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAddressTh } from '../../src/registry/addresses.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { enrolledDevice, loginPathOf, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { createRelyingParty, demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let config: oidc.Configuration;
const citizen = demoPersonas[0]!;

beforeAll(async () => {
  server = await startTestServer();
  config = await discoverAsDemoClient(server);
});
afterAll(() => server?.dispose());

describe('a whole login with openid-client as the relying party', () => {
  it('releases the registry’s data in the ID token, at userinfo and at the top of the token response', async () => {
    const device = await enrolledDevice(server, citizen);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid name name_en address birthdate');
    const login = await openLoginPage(server, rp.url);
    expect(login.page.text).toContain('<svg');

    const asked = await device.scan(login.appLink);
    expect(asked.agency.th).toBe(demo.name);
    expect(asked.dataItems.map((i) => i.scope)).toEqual(['pid', 'name', 'name_en', 'birthdate', 'address']);
    await device.approve(asked.id, login.matchNumber, testPin);

    const tokens = await rp.finish(await login.continueToRelyingParty());
    const expected = {
      pid: citizen.pid,
      name: `${citizen.givenNameTh} ${citizen.familyNameTh}`,
      name_en: `${citizen.givenNameEn} ${citizen.familyNameEn}`,
      birthdate: citizen.birthdate,
      address: expect.objectContaining({ formatted: formatAddressTh(citizen.address) }),
    };
    expect(tokens.claims()).toMatchObject(expected);
    expect(tokens).toMatchObject(expected);
    expect(await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).toMatchObject(expected);
    expect(tokens.claims()).not.toHaveProperty('gender');
    // The demo relying party has the thaid profile: expires_in is the Unix time the access token expires.
    expect(tokens.expires_in! - Math.floor(Date.now() / 1000)).toBeGreaterThan(890);
    expect(tokens.expires_in! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900);

    // The citizen's phone was told of the request and of what they approved.
    const inbox = (await device.notifications()).notifications;
    expect(inbox.map((n) => n.kind)).toEqual(expect.arrayContaining(['data_request', 'login_approved']));
    expect(inbox.find((n) => n.kind === 'data_request')?.en).toContain(demo.nameEn);
  });

  it('lets a public client (no secret) sign in only with PKCE', async () => {
    const rp = await createRelyingParty(server, { publicClient: true, redirectUris: ['http://localhost:8081/cb'], scopes: ['pid'] });
    const publicConfig = await oidc.discovery(new URL(server.issuer), rp.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const withoutPkce = oidc.buildAuthorizationUrl(publicConfig, { redirect_uri: rp.redirectUris[0]!, scope: 'openid pid', state: 's' });
    const refused = await request(server.url).get(`${withoutPkce.pathname}${withoutPkce.search}`).expect(303);
    expect(new URL(refused.headers.location as string).searchParams.get('error')).toBe('invalid_request');

    const device = await enrolledDevice(server, demoPersonas[0]!);
    const login = await startRelyingPartyLogin(publicConfig, rp.redirectUris[0]!, 'openid pid');
    const page = await openLoginPage(server, login.url);
    await device.approve((await device.scan(page.appLink)).id, page.matchNumber, testPin);
    const tokens = await login.finish(await page.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
  });

  it('names an agency registered with one name once, not as its Thai and English names', async () => {
    const rp = await createRelyingParty(server, { name: 'Only-one-name agency', redirectUris: ['http://localhost:8082/cb'], scopes: ['pid'] });
    const page = await request(server.url)
      .get(`/api/v2/oauth2/auth/?${new URLSearchParams({ client_id: rp.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: rp.redirectUris[0]! })}`)
      .expect(200);
    const agencyLine = /<p class="agency">(.*?)<\/p>/.exec(page.text)?.[1] ?? '';
    expect(agencyLine.split('Only-one-name agency').length - 1).toBe(1);
  });

  it('works with the short code typed by hand', async () => {
    const device = await enrolledDevice(server, demoPersonas[1]!);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const asked = await device.scan(login.shortCode.toLowerCase());
    await device.approve(asked.id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(demoPersonas[1]!.pid);
  });

  it('sends access_denied when the citizen refuses, and releases nothing', async () => {
    const device = await enrolledDevice(server, demoPersonas[2]!);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const asked = await device.scan(login.appLink);
    await device.deny(asked.id);
    const callback = new URL(await login.continueToRelyingParty());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    await expect(rp.finish(callback.href)).rejects.toThrow();
  });

  it('asks the device again for every authorization request, even with a session in the browser', async () => {
    const device = await enrolledDevice(server, demoPersonas[3]!);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid');
    const login = await openLoginPage(server, rp.url);
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    await rp.finish(await login.continueToRelyingParty());

    const again = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid');
    const second = await login.browser.get(`${again.url.pathname}${again.url.search}`).expect(200);
    expect(loginPathOf(second.text)).not.toBe(login.loginPath);
  });
});
