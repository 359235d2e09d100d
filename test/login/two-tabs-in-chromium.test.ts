import type { Browser } from 'playwright-core';
import type * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { leaveSecondsOnCode, openSignIn } from '../support/login-in-chromium.ts';
import { discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let browser: Browser;
let config: oidc.Configuration;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  config = await discoverAsDemoClient(server);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe.skipIf(!chromiumPath)('one sign-in open in two tabs', () => {
  it('shows in the other tab, following by polling, the new code, number and QR code one tab asked for, never the new QR code beside the old number', async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await openSignIn(first, config, 'openid pid');
    const second = await context.newPage();
    // The other tab follows by polling, as it does when its stream is cut (a proxy, a network that dropped).
    await second.route('**/events', (route) => route.abort());
    await second.goto(first.url());
    const old = { code: await second.textContent('.short-code'), number: await second.textContent('.match-number') };
    expect(await first.textContent('.short-code')).toBe(old.code);

    await leaveSecondsOnCode(server.database.db, first, 20);
    await first.getByRole('button', { name: /Show a new QR code/ }).click();
    await first.waitForLoadState();
    const renewed = { code: await first.textContent('.short-code'), number: await first.textContent('.match-number') };
    expect(renewed.code).not.toBe(old.code);

    await expect.poll(() => second.textContent('.short-code'), { timeout: 15_000, interval: 250 }).toBe(renewed.code);
    expect(await second.textContent('.match-number')).toBe(renewed.number);
    // The same sign-in's link; its MAC (m) changes every few seconds, as the QR code does, so it is left out.
    const pathOf = async (page: typeof first) => new URL((await page.getAttribute('.app-link', 'href'))!, server.issuer).pathname;
    expect(await pathOf(second)).toBe(await pathOf(first));
    await context.close();
  });
});
