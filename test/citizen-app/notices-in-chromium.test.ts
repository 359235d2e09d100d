import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { selfProof } from '../support/browser-login.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/*
 * The citizen's inbox in the ThaID app: the notices kept for them, those that came while the app was closed
 * included, counted in the header until the inbox has shown them.
 */

const citizen = demoPersonas[2]!;

let server: TestServer;
let browser: Browser;
let app: Page;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  app = await enrolledAppPage(browser, server.issuer, citizen);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Someone with the citizen's card details but the wrong date of birth fails to enrol a phone: the citizen is told. */
async function failedEnrolment() {
  const intruder = await VirtualDevice.create(server.issuer);
  const proof = { ...(await selfProof(server, citizen)), birthdate: '1990-01-01' };
  await expect(intruder.enrol({ proof, pin: '59370146' })).rejects.toMatchObject({ code: 'identity_not_verified' });
}

/** Opens the app at a screen, waiting until its stream of notices is open. */
async function openAt(screen: string) {
  await app.goto(`${server.issuer}/app/#/${screen}`);
  const opened = app.waitForResponse((answer) => new URL(answer.url()).pathname === '/device/v1/notifications/stream');
  await app.reload();
  await opened;
}

const inboxLink = () => app.locator('header a[href="#/notices"]');
const notices = () => app.locator('.notices .notice');

describe.skipIf(!chromiumPath)('the inbox of the ThaID app', () => {
  it('counts in the header the notices that came while the app was closed, and shows them in the inbox', async () => {
    await app.goto('about:blank');
    await failedEnrolment();
    await openAt('scan');
    await expect.poll(() => inboxLink().textContent()).toBe('การแจ้งเตือน ใหม่ 1');

    await inboxLink().tap();
    await app.getByRole('heading', { name: 'การแจ้งเตือน' }).waitFor();
    await expect.poll(() => notices().count()).toBe(1);
    expect(await notices().first().textContent()).toContain('มีผู้พยายามลงทะเบียน ThaID บนอุปกรณ์อื่นด้วยข้อมูลบัตรประชาชนของคุณ');
    expect(await notices().first().getAttribute('class')).toContain('warning');
    expect(await inboxLink().textContent()).toBe('การแจ้งเตือน ');
    // Shown once, no longer new, after the app is opened again too.
    await openAt('card');
    expect(await inboxLink().textContent()).toBe('การแจ้งเตือน ');
  });

  it('adds a notice to the open inbox as it arrives, and counts it when another screen is open', async () => {
    await openAt('notices');
    await expect.poll(() => notices().count()).toBe(1);
    await failedEnrolment();
    await expect.poll(() => notices().count()).toBe(2);
    expect(await inboxLink().textContent()).toBe('การแจ้งเตือน ');

    await app.locator('.tabs a[href="#/card"]').tap();
    await app.locator('.id-card').first().waitFor();
    await failedEnrolment();
    await expect.poll(() => inboxLink().textContent()).toBe('การแจ้งเตือน ใหม่ 1');
    await app.getByRole('button', { name: 'Switch to English' }).tap();
    await expect.poll(() => inboxLink().textContent()).toBe('Notices 1 new');
    await app.getByRole('button', { name: 'เปลี่ยนเป็นภาษาไทย' }).tap();
  });
});
