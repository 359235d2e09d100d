import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Citizen } from '../../src/registry/citizen.ts';
import { testPin } from './browser-login.ts';

/**
 * The ThaID app in a phone-sized page, enrolled for a demo persona (the persona button fills the card details, the
 * sandbox camera the face) with the test PIN, on its home screen.
 */
export async function enrolledAppPage(browser: Browser, issuer: string, persona: Citizen, options: BrowserContextOptions = {}): Promise<Page> {
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true, ...options });
  const app = await phone.newPage();
  await app.goto(`${issuer}/app/`);
  await app.getByRole('button', { name: `${persona.givenNameTh} ${persona.familyNameTh}` }).tap();
  await app.fill('#new-pin', testPin);
  await app.fill('#confirm-pin', testPin);
  await app.click('form button[type=submit]');
  await app.locator('.scan-start').waitFor();
  return app;
}
