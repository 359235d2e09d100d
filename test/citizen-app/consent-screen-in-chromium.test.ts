import type * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/*
 * The ThaID app's consent screen keeps the citizen's answer in progress when it is drawn in the other language, says
 * by when to answer, and says when that time is over.
 */

const citizen = demoPersonas[2]!;

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

describe.skipIf(!chromiumPath)('the consent screen of the ThaID app', () => {
  it('keeps the number picked and the digits typed when the citizen switches the language half-way', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.route('http://localhost:8080/**', (route) => route.fulfill({ contentType: 'text/plain', body: 'relying party' }));
    await desktop.goto(rp.url.href);
    await app.fill('#short-code', (await desktop.textContent('.short-code'))!);
    await app.click('.typed-code button[type=submit]');
    await app.locator('.consent').waitFor();

    const number = Number(await desktop.textContent('.match-number'));
    await app.locator(`.number[data-number="${number}"]`).tap();
    for (const digit of testPin.slice(0, 4)) await app.locator(`.keypad [data-key="${digit}"]`).tap();
    await app.getByRole('button', { name: 'Switch to English' }).tap();
    await app.getByRole('heading', { name: 'Sign-in request' }).waitFor();

    expect(await app.locator('.number[aria-pressed="true"]').getAttribute('data-number')).toBe(String(number));
    expect(await app.locator('.pin-dots .dot.filled').count()).toBe(4);
    expect(await app.locator('.pin-entry [aria-live="polite"]').textContent()).toBe('4 of 8 digits entered');
    for (const digit of testPin.slice(4)) await app.locator(`.keypad [data-key="${digit}"]`).tap();
    expect(await app.locator('.approve').getAttribute('aria-disabled')).toBe('false');
    await app.locator('.approve').tap();
    await app.locator('.outcome.ok').waitFor();
    await app.getByRole('button', { name: 'เปลี่ยนเป็นภาษาไทย' }).tap();
    await desktop.close();
  });

  it('says by when to answer, and that the time is over once it is, without waiting for an answer', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.goto(rp.url.href);
    const shortCode = (await desktop.textContent('.short-code'))!;
    // A sign-in whose time is nearly over.
    await server.database.db
      .updateTable('login_transactions')
      .set({ expires_at: new Date(Date.now() + 4000) })
      .where('short_code', '=', shortCode.replace('-', ''))
      .execute();
    await app.fill('#short-code', shortCode);
    await app.click('.typed-code button[type=submit]');
    await app.locator('.consent').waitFor();
    expect(await app.locator('.expires').textContent()).toMatch(/^ตอบได้ถึง /);

    await app.getByRole('heading', { name: 'หมดเวลาตอบคำขอนี้แล้ว' }).waitFor({ timeout: 10_000 });
    expect(await app.locator('.outcome.error').textContent()).toContain('ให้เริ่มเข้าสู่ระบบใหม่บนอีกหน้าจอ');
    expect(await app.locator('.consent').count()).toBe(0);
    await desktop.close();
  });
});
