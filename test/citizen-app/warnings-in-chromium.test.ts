import type * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceApiError, VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { enrolledDevice, selfProof, startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/*
 * The notices that ask the citizen to act reach the ThaID app as they are written, on the screen that is open:
 * another phone scanning the request the citizen is answering, and a failed enrolment with their card.
 */

const citizen = demoPersonas[0]!;

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

/** Opens the app at a screen and waits until its stream of notices is open, so that what follows is sent to it live. */
async function openAt(screen: string) {
  await app.goto(`${server.issuer}/app/#/${screen}`);
  const opened = app.waitForResponse((answer) => new URL(answer.url()).pathname === '/device/v1/notifications/stream');
  await app.reload();
  await opened;
}

describe.skipIf(!chromiumPath)('warnings in the ThaID app', () => {
  it('warns on the consent screen, as it happens, that another phone scanned the request being answered', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.goto(rp.url.href);
    const code = (await desktop.textContent('.short-code'))!;
    await openAt('scan');
    await app.fill('#short-code', code);
    await app.click('.typed-code button[type=submit]');
    await app.locator('.consent').waitFor();

    const other = await enrolledDevice(server, demoPersonas[1]!);
    await expect(other.scan(code)).rejects.toMatchObject({ code: 'login_already_used' });

    const warning = app.getByRole('alert').locator('[data-kind="second_scan"]');
    await expect.poll(() => warning.textContent()).toContain('มีอุปกรณ์อื่นสแกนคำขอของ');
    // The request stays to be refused, below the warning.
    expect(await app.locator('.consent .deny').isVisible()).toBe(true);
    await app.locator('.consent .deny').tap();
    await app.locator('.outcome').waitFor();
    // Until the citizen closes it.
    expect(await warning.count()).toBe(1);
    await warning.getByRole('button', { name: 'ปิด' }).tap();
    expect(await warning.count()).toBe(0);
    await desktop.close();
  });

  it('warns, on whichever screen is open, that someone failed to enrol another phone with the citizen’s card', async () => {
    await openAt('card');
    const intruder = await VirtualDevice.create(server.issuer);
    const proof = { ...(await selfProof(server, citizen)), birthdate: '1990-01-01' };
    await expect(intruder.enrol({ proof, pin: '59370146' })).rejects.toBeInstanceOf(DeviceApiError);

    const warning = app.getByRole('alert').locator('[data-kind="enrolment_failed"]');
    await expect.poll(() => warning.textContent()).toContain('มีผู้พยายามลงทะเบียน ThaID บนอุปกรณ์อื่นด้วยข้อมูลบัตรประชาชนของคุณ');
    // Still there on the next screen, and in the language the citizen switches to.
    await app.locator('.tabs a[href="#/history"]').tap();
    await app.getByRole('heading', { name: 'ประวัติการใช้ข้อมูล' }).waitFor();
    expect(await warning.count()).toBe(1);
    await app.getByRole('button', { name: 'Switch to English' }).tap();
    await app.getByRole('heading', { name: 'History' }).waitFor();
    expect(await warning.textContent()).toContain('Someone tried to enrol ThaID on another phone with your ID card details');
    await warning.getByRole('button', { name: 'Close' }).tap();
    expect(await warning.count()).toBe(0);
    await app.getByRole('button', { name: 'เปลี่ยนเป็นภาษาไทย' }).tap();
  });
});
