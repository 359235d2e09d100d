import type { Browser } from 'playwright-core';
import type * as oidc from 'openid-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { enrolledDevice, loginPageLocation, testPin } from '../support/browser-login.ts';
import { openSignIn } from '../support/login-in-chromium.ts';
import { discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let browser: Browser;
let config: oidc.Configuration;
let device: VirtualDevice;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  config = await discoverAsDemoClient(server);
  device = await enrolledDevice(server, demoPersonas[0]!);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe.skipIf(!chromiumPath)('the login page in Chromium', () => {
  it('draws a new QR code each time it changes, and a phone reads the new one', async () => {
    const page = await browser.newPage();
    await openSignIn(page, config, 'openid pid');
    const first = { link: (await page.getAttribute('.app-link', 'href'))!, svg: await page.innerHTML('.qr-image') };
    // The code changes every 10 seconds; the page redraws it a moment after.
    await expect.poll(() => page.getAttribute('.app-link', 'href'), { timeout: 15_000, interval: 250 }).not.toBe(first.link);
    const next = { link: (await page.getAttribute('.app-link', 'href'))!, svg: await page.innerHTML('.qr-image') };
    expect(next.svg).not.toBe(first.svg);
    expect(new URL(next.link).pathname).toBe(new URL(first.link).pathname);
    expect((await device.scan(next.link)).status).toBe('scanned');
    await page.close();
  });

  it('shows the QR code, the short code and the request, and continues by itself once the phone approves', async () => {
    const page = await browser.newPage();
    const { rp, callback } = await openSignIn(page, config, 'openid pid address');
    expect(await page.locator('.qr-image svg').count()).toBe(1);
    expect(await page.textContent('main')).toContain('Registered address');
    const shortCode = (await page.textContent('.short-code'))!;
    const appLink = (await page.getAttribute('.app-link', 'href'))!;
    expect(shortCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // The authorization endpoint answered with the page; the address bar shows the page's own address, so a
    // reload shows this sign-in again instead of starting another.
    expect(new URL(page.url()).pathname).toMatch(loginPageLocation);
    await page.reload();
    expect(await page.textContent('.short-code')).toBe(shortCode);

    const scanned = await device.scan(appLink);
    await page.locator('#login[data-status="scanned"]').waitFor();
    expect(await page.textContent('.status')).toContain('Scanned; waiting for approval with the PIN');
    await device.approve(scanned.id, Number(await page.textContent('.match-number')), testPin);

    const tokens = await rp.finish(await callback);
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
    await page.close();
  });

  it('gives the QR code a text alternative that points to the short code, kept when the code is redrawn', async () => {
    const page = await browser.newPage();
    await openSignIn(page, config, 'openid pid');
    const qr = page.getByRole('img', { name: /QR code/ });
    expect(await qr.count()).toBe(1);
    expect(await qr.getAttribute('aria-label')).toMatch(/รหัส.*short code/s);
    // The picture inside is one image, not a drawing a screen reader walks into.
    expect(await page.locator('.qr-image').ariaSnapshot()).toMatch(/^- img "[^"]+"$/);
    const first = await page.getAttribute('.app-link', 'href');
    await expect.poll(() => page.getAttribute('.app-link', 'href'), { timeout: 15_000, interval: 250 }).not.toBe(first);
    expect(await page.getByRole('img', { name: /QR code/ }).count()).toBe(1);
    await page.close();
  });

  it('gives a screen reader the short code a character at a time, and the new code a renewal brings as well, leaving the code shown as it is', async () => {
    const page = await browser.newPage();
    await openSignIn(page, config, 'openid pid');
    /** The line as a screen reader has it: its text, with the code in the form it reads. */
    const heard = async () => (await page.locator('.code-line').ariaSnapshot()).replace(/^- paragraph: /, '');
    const first = (await page.textContent('.short-code'))!;
    expect(first).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await heard()).toBe(`หรือกรอกรหัส · or type the code ${[...first].join(' ')}`);

    // A new code: the page the renewal draws reads it the same way.
    const uid = new URL(page.url()).pathname.split('/').pop()!;
    await server.database.db.updateTable('login_transactions').set({ expires_at: sql`now() - interval '1 second'` }).where('interaction_uid', '=', uid).execute();
    await page.locator('#login[data-status="expired"] form.renew:not([hidden])').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /Show a new QR code/ }).click();
    await page.locator('#login[data-status="pending"]').waitFor({ timeout: 15_000 });
    const renewed = (await page.textContent('.short-code'))!;
    expect(renewed).not.toBe(first);
    expect(await heard()).toBe(`หรือกรอกรหัส · or type the code ${[...renewed].join(' ')}`);
    await page.close();
  });

  it('once the code has expired, puts focus on the button for a new code, described by the status, so a screen reader says both', async () => {
    const page = await browser.newPage();
    await openSignIn(page, config, 'openid pid');
    const uid = new URL(page.url()).pathname.split('/').pop()!;
    await server.database.db
      .updateTable('login_transactions')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('interaction_uid', '=', uid)
      .execute();
    // The page learns of it by itself, and draws itself again with the way to a new code.
    await page.locator('#login[data-status="expired"] form.renew:not([hidden])').waitFor({ timeout: 15_000 });
    const renew = page.getByRole('button', { name: /Show a new QR code/ });
    await expect.poll(() => renew.evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
    const describedBy = (await renew.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('The QR code has expired');
    await page.close();
  });

  it('marks its English words as English, also in the status the page writes as it changes, and on an error page', async () => {
    const page = await browser.newPage();
    const { rp } = await openSignIn(page, config, 'openid pid');
    /** The language a screen reader reads a phrase in: that of the nearest element with a lang attribute. */
    const languageOf = (phrase: string) =>
      page.evaluate(`(() => {
        const text = ${JSON.stringify(phrase)};
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (node.textContent.includes(text)) return node.parentElement.closest('[lang]').getAttribute('lang');
        }
        return 'not found: ' + text;
      })()`);
    const phrases = [
      'Sign in with ThaID',
      'Demo Agency',
      'Open the ThaID app on this phone',
      'Scan with the ThaID app and approve with your PIN',
      'or type the code',
      'then pick this number in the app',
      'Expires',
      'Thailand time',
      'Waiting for the QR code to be scanned',
      'Cancel',
      'Requests these data items',
      'Citizen ID number',
      'DOPA Digital ID',
    ];
    for (const phrase of phrases) expect(await languageOf(phrase), phrase).toBe('en');
    // The page's title, the first thing a screen reader says of it, in the page's language first.
    expect(await page.title()).toMatch(/^เข้าสู่ระบบด้วย ThaID/);
    expect(await languageOf('เข้าสู่ระบบด้วย')).toBe('th');
    await device.scan((await page.getAttribute('.app-link', 'href'))!);
    await page.locator('#login[data-status="scanned"]').waitFor();
    expect(await languageOf('Scanned; waiting for approval with the PIN')).toBe('en');
    expect(await languageOf('สแกนแล้ว')).toBe('th');

    const unknownClient = new URL(rp.url.href);
    unknownClient.searchParams.set('client_id', 'no-such-client');
    await page.goto(unknownClient.href);
    expect(await languageOf('cannot sign in with ThaID')).toBe('en');
    await page.close();
  });

  it('without JavaScript, reloads itself and carries the browser on after approval', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const { rp, callback } = await openSignIn(page, config, 'openid pid');
    const appLink = (await page.getAttribute('.app-link', 'href'))!;
    await device.approve((await device.scan(appLink)).id, Number(await page.textContent('.match-number')), testPin);
    const tokens = await rp.finish(await callback);
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
    await context.close();
  });

  it('shows the refusal to the relying party when the citizen denies', async () => {
    const page = await browser.newPage();
    const { callback } = await openSignIn(page, config, 'openid');
    const appLink = (await page.getAttribute('.app-link', 'href'))!;
    await device.deny((await device.scan(appLink)).id);
    expect(new URL(await callback).searchParams.get('error')).toBe('access_denied');
    await page.close();
  });
});
