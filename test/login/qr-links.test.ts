import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentAppLink, QR_WINDOW_SECONDS } from '../../src/login/qr-links.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

async function newSignIn() {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
  const login = await openLoginPage(server, rp.url);
  const id = new URL(login.appLink).pathname.split('/').at(-1)!;
  return { login, id };
}

/** The app link the sign-in's QR code showed `secondsAgo` seconds ago. */
const linkFrom = (id: string, secondsAgo: number) => currentAppLink(server.database.db, server.issuer, id, Date.now() - secondsAgo * 1000);

describe('the QR code of a sign-in', () => {
  it('is read while it shows, and just after it changed', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { id } = await newSignIn();
    expect((await device.scan(await linkFrom(id, QR_WINDOW_SECONDS))).status).toBe('scanned');
  });

  it('is taken from the next window too, for server clocks a little apart', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { id } = await newSignIn();
    expect((await device.scan(await linkFrom(id, -QR_WINDOW_SECONDS))).status).toBe('scanned');
  });

  it('is refused once it changed twice: a screenshot or a link passed on later goes stale, and the sign-in waits on', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login, id } = await newSignIn();
    for (const windowsAgo of [2, 3, 10]) {
      const passedOn = await linkFrom(id, windowsAgo * QR_WINDOW_SECONDS);
      expect(await refusal(device.scan(passedOn))).toMatchObject({ status: 410, code: 'qr_code_expired' });
    }
    expect((await device.scan(login.appLink)).status).toBe('scanned');
  });

  it('is refused without its MAC, or with one the server did not draw', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login } = await newSignIn();
    const bare = new URL(login.appLink);
    bare.search = '';
    expect(await refusal(device.scan(bare.href))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await refusal(device.scan(`${bare.href}?m=${'A'.repeat(16)}`))).toMatchObject({ status: 400 });
    // Another sign-in's MAC does not fit this one.
    const other = await newSignIn();
    const borrowed = `${bare.href}?m=${new URL(other.login.appLink).searchParams.get('m')}`;
    expect(await refusal(device.scan(borrowed))).toMatchObject({ status: 400 });
  });

  it('is drawn anew for the page, with when it next changes', async () => {
    const { login } = await newSignIn();
    const qr = await login.browser.get(`${login.loginPath}/qr`).expect(200);
    expect(new URL(qr.body.appLink).pathname).toBe(new URL(login.appLink).pathname);
    expect(qr.body.svg).toMatch(/^<svg/);
    expect(qr.body.changesInSeconds).toBeGreaterThan(0);
    expect(qr.body.changesInSeconds).toBeLessThanOrEqual(QR_WINDOW_SECONDS);
    // Only the browser of the sign-in gets it.
    await fetch(`${server.url}${login.loginPath}/qr`).then((r) => expect(r.status).toBe(400));
  });

  it('is no longer drawn once a phone has scanned it', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login } = await newSignIn();
    await device.scan(login.appLink);
    await login.browser.get(`${login.loginPath}/qr`).expect(409);
  });
});
