import type { Browser, Page } from 'playwright-core';
import type * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { enrolledDevice, testPin } from '../support/browser-login.ts';
import { leaveSecondsOnCode, openSignIn } from '../support/login-in-chromium.ts';
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

const thai = 'QR code นี้จะหมดอายุภายใน 30 วินาที หากต้องการเวลาเพิ่ม ให้ขอ QR code ใหม่';
const english = 'This QR code expires within 30 seconds; if you need more time, show a new QR code';

const leaveSeconds = (page: Page, seconds: number) => leaveSecondsOnCode(server.database.db, page, seconds);

const warning = (page: Page) => page.locator('#login-status .expiry-warning');

describe.skipIf(!chromiumPath)('the login page in Chromium, near the end of its code', () => {
  it('warns in its status, Thai then English, and offers a new code there, leaving focus where it is', async () => {
    const page = await browser.newPage();
    await openSignIn(page, config, 'openid pid');
    await leaveSeconds(page, 36);
    const renew = page.getByRole('button', { name: /Show a new QR code/ });
    expect(await renew.isVisible()).toBe(false);
    const cancel = page.getByRole('button', { name: /Cancel/ });
    await cancel.focus();

    await warning(page).waitFor({ timeout: 15_000 });
    // In the page's one live region, after the status it keeps.
    expect(await page.locator('[aria-live], [role="status"], [role="alert"], [role="log"]').count()).toBe(1);
    expect(await page.getByRole('status').textContent()).toMatch(/^รอการสแกน · Waiting for the QR code to be scanned/);
    expect(await warning(page).textContent()).toBe(`${thai} · ${english}`);
    expect(await warning(page).evaluate((span) => span.closest('[lang]')!.getAttribute('lang'))).toBe('th');
    expect(await warning(page).locator('[lang="en"]').textContent()).toBe(english);

    expect(await renew.isVisible()).toBe(true);
    expect(await cancel.evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
    expect(await page.locator(`[id="${await renew.getAttribute('aria-describedby')}"]`).textContent()).toContain(english);

    const oldCode = await page.textContent('.short-code');
    await renew.click();
    // The same address shows the new code.
    await expect.poll(() => page.textContent('.short-code').catch(() => oldCode), { timeout: 15_000 }).not.toBe(oldCode);
    await page.waitForLoadState();
    expect(await warning(page).count()).toBe(0);
    expect(await renew.isVisible()).toBe(false);
    await page.close();
  });

  it('turns the warning into "answer on the phone" when the phone scans meanwhile, no longer offering a new code, and carries on when it approves', async () => {
    const page = await browser.newPage();
    const { rp, callback } = await openSignIn(page, config, 'openid pid');
    await leaveSeconds(page, 36);
    await warning(page).waitFor({ timeout: 15_000 });
    const renew = page.getByRole('button', { name: /Show a new QR code/ });
    expect(await renew.isVisible()).toBe(true);
    const scanned = await device.scan((await page.getAttribute('.app-link', 'href'))!);
    await page.locator('#login[data-status="scanned"]').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Scanned; waiting for approval with the PIN');
    expect(await warning(page).locator('[lang="en"]').textContent()).toBe('Approve with your PIN on the phone within 30 seconds, before this code expires');
    // A new code now would cancel the answer being typed on the phone.
    expect(await renew.isVisible()).toBe(false);

    await device.approve(scanned.id, Number(await page.textContent('.match-number')), testPin);
    const tokens = await rp.finish(await callback);
    expect(tokens.claims()?.pid).toBe(demoPersonas[0]!.pid);
    await page.close();
  });
});
