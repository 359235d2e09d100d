import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * The ThaID app as a screen reader meets it: messages in live regions that are there before they speak.
 */

let server: TestServer;
let browser: Browser;
let app: Page;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  app = await phone.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe.skipIf(!chromiumPath)('the ThaID app with a screen reader', () => {
  it('has its message region in the accessibility tree before anything is said in it', async () => {
    await app.goto(`${server.issuer}/app/`);
    await app.locator('#pid').waitFor();
    // A live region that appears with its words is often not read out; one that is there already is.
    expect(await app.getByRole('status').count()).toBe(1);
  });
});
