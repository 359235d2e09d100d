import type * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spokenShortCode } from '../../src/login/short-codes.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/*
 * The ThaID app's home screen as a citizen typing the code under the QR code meets it: a code refused is kept to
 * correct, not emptied; spaces between its characters are no part of it.
 */

const citizen = demoPersonas[3]!;

let server: TestServer;
let browser: Browser;
let app: Page;
let config: oidc.Configuration;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  config = await discoverAsDemoClient(server);
  app = await enrolledAppPage(browser, server.issuer, citizen);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Types a code under the QR code and sends it; resolves once the server has answered. */
async function typeCode(code: string) {
  await app.fill('#short-code', code);
  const answered = app.waitForResponse((answer) => new URL(answer.url()).pathname === '/device/v1/logins/scan');
  await app.click('.typed-code button[type=submit]');
  await answered;
}

describe.skipIf(!chromiumPath)('typing the code under the QR code', () => {
  it('keeps a refused code in its field, with the reason, for the citizen to correct, on the home screen as first opened', async () => {
    await app.goto(`${server.issuer}/app/`);
    await app.locator('#short-code').waitFor();
    await typeCode('ABCD-EFGH');
    await expect.poll(() => app.textContent('.message')).toContain('ไม่มีคำขอเข้าสู่ระบบที่ใช้รหัสนี้');
    expect(await app.inputValue('#short-code')).toBe('ABCD-EFGH');
  });

  it('keeps it too when the home screen was reached through the menu', async () => {
    await app.goto(`${server.issuer}/app/#/scan`);
    await app.locator('#short-code').waitFor();
    await typeCode('ABCD-EFGX');
    await expect.poll(() => app.textContent('.message')).toContain('ไม่มีคำขอเข้าสู่ระบบที่ใช้รหัสนี้');
    expect(await app.inputValue('#short-code')).toBe('ABCD-EFGX');
  });

  it('opens the request once the code is corrected', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.goto(rp.url.href);
    const code = (await desktop.textContent('.short-code'))!;
    await typeCode(`${code.slice(0, -1)}${code.endsWith('Z') ? 'Y' : 'Z'}`);
    await expect.poll(() => app.textContent('.message')).toContain('ไม่มีคำขอเข้าสู่ระบบที่ใช้รหัสนี้');
    await typeCode(code);
    await app.locator('.consent').waitFor();
    await desktop.close();
  });

  it('takes the code as a screen reader spells it, a character at a time, without cutting it short', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.goto(rp.url.href);
    const spelt = spokenShortCode((await desktop.textContent('.short-code'))!.replace('-', ''));
    await app.goto(`${server.issuer}/app/#/scan`);
    await app.fill('#short-code', spelt);
    expect(await app.inputValue('#short-code')).toBe(spelt);
    await app.click('.typed-code button[type=submit]');
    await app.locator('.consent').waitFor();
    await desktop.close();
  });
});
