import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import type * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { leaveSecondsOnCode } from '../support/login-in-chromium.ts';

// What the page callbacks below use in Chromium; the project's TypeScript settings leave out the DOM.
declare const getComputedStyle: (element: unknown) => { lineHeight: string };
declare const document: { documentElement: { scrollWidth: number } };

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

const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const computer: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const smallScreen: BrowserContextOptions = { viewport: { width: 1024, height: 768 } };

// A short request and the longest one: the data items listed must not push the way to sign in out of sight.
const requests = [
  ['two data items', 'openid pid address'],
  ['every data item the demo relying party may ask for', `openid ${demo.scopes.join(' ')}`],
] as const;

/** The login page as a browser of this size first shows it, unscrolled. */
async function showLoginPage(options: BrowserContextOptions, scope: string): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], scope);
  await page.goto(rp.url.href);
  await page.locator('.qr-image svg').waitFor();
  return page;
}

/** Draws the page again with `seconds` left on its open code and waits out the rest until it warns. */
async function showExpiryWarning(page: Page, seconds = 36) {
  await leaveSecondsOnCode(server.database.db, page, seconds);
  await page.locator('#login-status .expiry-warning').waitFor({ timeout: 15_000 });
  await page.locator('form.renew button').waitFor();
}

async function boxOf(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} is not shown`);
  return box;
}

/** Fails, naming the element and the edge, when any part of it lies outside the first screen. */
async function expectOnFirstScreen(page: Page, selector: string) {
  const box = await boxOf(page.locator(selector));
  const { width, height } = page.viewportSize()!;
  expect(box.y, `top of ${selector}`).toBeGreaterThanOrEqual(0);
  expect(box.x, `left of ${selector}`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `bottom of ${selector}`).toBeLessThanOrEqual(height);
  expect(box.x + box.width, `right of ${selector}`).toBeLessThanOrEqual(width);
}

describe.skipIf(!chromiumPath)('the login page layout in Chromium', () => {
  describe.each(requests)('asking for %s', (_, scope) => {
    it('on a 390×844 phone: the button that opens the app comes first, and it and the QR code are on the first screen', async () => {
      const page = await showLoginPage(phone, scope);
      await expectOnFirstScreen(page, 'a.app-link');
      await expectOnFirstScreen(page, '.qr-image svg');
      // A phone cannot scan its own screen: opening the app is its way in, above the QR code meant for another phone.
      const link = await boxOf(page.locator('a.app-link'));
      const qr = await boxOf(page.locator('.qr-image svg'));
      expect(link.y + link.height).toBeLessThanOrEqual(qr.y);
      await page.context().close();
    });

    it('on a 390×844 phone: the short code stays on one line and the card keeps clear of the screen edges', async () => {
      const page = await showLoginPage(phone, scope);
      const code = page.locator('.short-code');
      const lineHeight = await code.evaluate((element) => parseFloat(getComputedStyle(element).lineHeight));
      expect(lineHeight).toBeGreaterThan(0);
      expect((await boxOf(code)).height).toBeLessThan(1.5 * lineHeight);

      const card = await boxOf(page.locator('main'));
      expect(card.x).toBeGreaterThanOrEqual(8);
      expect(390 - (card.x + card.width)).toBeGreaterThanOrEqual(8);
      // Nothing wider than the screen, which would let the page slide sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.context().close();
    });

    // A laptop, and a tablet held sideways or a small laptop, where the request's details go under the way to sign in.
    describe.each([
      ['a 1280×800 computer', computer],
      ['a 1024×768 screen', smallScreen],
    ] as const)('on %s', (_, screen) => {
      it('the QR code, short code, status, expiry and Cancel are all visible without scrolling', async () => {
        const page = await showLoginPage(screen, scope);
        for (const selector of ['.qr-image svg', '.short-code', '#login .status', '#login time', 'form[action$="/cancel"] button']) {
          await expectOnFirstScreen(page, selector);
        }
        await page.context().close();
      });

      it('30 seconds before the code expires: the warning and the button for a new code are visible without scrolling, as is the rest', async () => {
        const page = await showLoginPage(screen, scope);
        await showExpiryWarning(page);
        const selectors = ['.qr-image svg', '.short-code', '#login .status', '#login .expiry-warning', 'form.renew button', '#login time', 'form[action$="/cancel"] button'];
        for (const selector of selectors) {
          await expectOnFirstScreen(page, selector);
        }
        await page.context().close();
      });
    });

    it('on a 390×844 phone, 30 seconds before the code expires: the first screen is as before, and the button for a new code is in sight with the status', async () => {
      const page = await showLoginPage(phone, scope);
      await showExpiryWarning(page);
      await expectOnFirstScreen(page, 'a.app-link');
      await expectOnFirstScreen(page, '.qr-image svg');
      // Scrolled to where the status begins, the button for a new code that its warning offers is on the screen too.
      const status = await boxOf(page.locator('#login .status'));
      const renew = await boxOf(page.locator('form.renew button'));
      expect(renew.y, 'top of the button below the status').toBeGreaterThanOrEqual(status.y + status.height);
      expect(renew.y + renew.height - status.y, 'from the top of the status to the bottom of the button').toBeLessThanOrEqual(page.viewportSize()!.height);
      await page.context().close();
    });
  });
});
