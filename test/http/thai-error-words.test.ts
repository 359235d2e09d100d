import request from 'supertest';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { openLoginPage, startRelyingPartyLogin, startServerWithDevice, testPin } from '../support/browser-login.ts';
import { authorizationUrl, createRelyingParty, demo, discoverAsDemoClient } from '../support/relying-party.ts';
import type { TestServer } from '../support/server.ts';

let server: TestServer;
let device: VirtualDevice;
beforeAll(async () => {
  ({ server, device } = await startServerWithDevice());
});
afterAll(() => server?.dispose());

/** The page's first heading and paragraph: what a citizen reads first, in the page's own language (Thai). */
function firstWords(page: string) {
  const content = page.slice(page.indexOf('<main>'));
  return {
    heading: /<h1>([^<]*)<\/h1>/.exec(content)?.[1] ?? '',
    message: /<p>([^<]*)<\/p>/.exec(content)?.[1] ?? '',
    beforeEnglish: content.slice(0, content.indexOf('lang="en"')),
  };
}

const thai = /[\u0E00-\u0E7F]/;

describe('an error page met during a sign-in', () => {
  it('says in Thai, first, that the sign-in page can no longer be used, when the citizen comes back to it after it ended', async () => {
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    await login.continueToRelyingParty();
    // The back button, or a reload of a tab left open.
    const page = await login.browser.get(login.loginPath).set('accept', 'text/html').expect(400);
    const words = firstWords(page.text);
    expect(words.heading).toBe('หน้าเข้าสู่ระบบนี้ใช้ต่อไม่ได้แล้ว');
    expect(words.message).toContain('เริ่มเข้าสู่ระบบใหม่');
    expect(words.beforeEnglish).not.toMatch(/Go back|sign in again/);
    expect(page.text).toContain('session_not_found');
    expect(page.text).toMatch(/<title>หน้าเข้าสู่ระบบนี้ใช้ต่อไม่ได้แล้ว · /);
  });

  it('says in Thai that the service cannot sign in with ThaID, when its system was suspended while the page waited', async () => {
    const created = await createRelyingParty(server, { redirectUris: ['https://rp.example.test/cb'], scopes: ['pid'] });
    const config = await oidc.discovery(new URL(server.issuer), created.clientId, created.clientSecret, oidc.ClientSecretBasic(created.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const login = await openLoginPage(server, (await startRelyingPartyLogin(config, created.redirectUris[0]!, 'openid pid')).url);
    await server.database.db.updateTable('agency_systems').set({ status: 'suspended' }).where('client_id', '=', created.clientId).execute();
    const page = await login.browser.get(login.loginPath).set('accept', 'text/html').expect(400);
    const words = firstWords(page.text);
    expect(words.heading).toBe('บริการนี้เข้าสู่ระบบด้วย ThaID ไม่ได้');
    expect(words.message).toMatch(thai);
    expect(page.text).toContain('invalid_client');
  });

  it('says in Thai that an unknown service cannot sign in with ThaID, the English kept under it', async () => {
    const page = await request(server.url)
      .get(authorizationUrl(server, { client_id: 'no-such-client', redirect_uri: 'https://rp.example.test/cb' }))
      .expect(400);
    expect(firstWords(page.text).heading).toBe('บริการนี้เข้าสู่ระบบด้วย ThaID ไม่ได้');
    expect(page.text).toContain('This application cannot sign in with ThaID');
  });
});
