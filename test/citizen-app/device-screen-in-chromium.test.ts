import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { testPin } from '../support/browser-login.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/*
 * The ThaID app's device screen: a wrong current PIN in the PIN change is one of the five wrong PINs in a row that
 * lock the phone, and the citizen is told how many are left, and when the phone is locked. Removing ThaID from the
 * phone ends it as the citizen's device on the server too.
 */

const citizen = demoPersonas[1]!;
const wrongPin = '93016472';

let server: TestServer;
let browser: Browser;
let app: Page;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  app = await enrolledAppPage(browser, server.issuer, citizen);
  await app.goto(`${server.issuer}/app/#/device`);
  await app.locator('#current-pin').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Sends the PIN change form; resolves once the app has said what came of it. */
async function changePin(current: string, next = '59370146') {
  await app.fill('#current-pin', current);
  await app.fill('#next-pin', next);
  await app.fill('#confirm-next-pin', next);
  await app.click('form.pin-change button[type=submit]');
}

const attemptsLeft = () => app.locator('.detail', { hasText: 'ใส่ PIN ผิดได้อีก' }).locator('dd').textContent();

describe.skipIf(!chromiumPath)('the ThaID app’s device screen: changing the PIN, and removing ThaID', () => {
  it('says after a wrong current PIN how many wrong PINs are left, at that field', async () => {
    expect(await attemptsLeft()).toBe('5');
    await changePin(wrongPin);
    const message = app.locator('form.pin-change .message');
    await expect.poll(() => message.textContent()).toBe('PIN ไม่ถูกต้อง เหลืออีก 4 ครั้ง');
    expect(await app.evaluate('document.activeElement.id')).toBe('current-pin');
    expect(await attemptsLeft()).toBe('4');
  });

  it('gives every attempt back with the right PIN', async () => {
    await changePin(testPin, '59370146');
    await expect.poll(() => app.locator('form.pin-change .message').textContent()).toBe('เปลี่ยน PIN แล้ว');
    await expect.poll(attemptsLeft).toBe('5');
  });

  it('refuses a new PIN the same as the current one, in Thai, without counting it as a wrong PIN', async () => {
    await changePin('59370146', '59370146');
    await expect.poll(() => app.locator('form.pin-change .message').textContent()).toBe('PIN ใหม่ซ้ำกับ PIN เดิม ตั้ง PIN ใหม่ที่ต่างจากเดิม');
    expect(await attemptsLeft()).toBe('5');
  });

  it('says the phone is locked after the fifth wrong PIN in a row, and offers to enrol it again', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      await changePin(wrongPin);
      await expect.poll(() => app.locator('form.pin-change .message').textContent()).toBe(`PIN ไม่ถูกต้อง เหลืออีก ${5 - attempt} ครั้ง`);
    }
    await changePin(wrongPin);
    const locked = app.getByRole('alert').filter({ hasText: 'ใส่ PIN ผิด 5 ครั้งติดกัน' });
    await expect.poll(() => locked.count()).toBe(1);
    expect(await app.getByRole('button', { name: 'ลงทะเบียนโทรศัพท์นี้ใหม่' }).count()).toBe(1);
    expect(await attemptsLeft()).toBe('0');
  });

  it('removes ThaID from the phone on the second tap: the server no longer takes it as the citizen’s device, and the app starts again', async () => {
    await app.getByRole('button', { name: 'ลบ ThaID ออกจากโทรศัพท์นี้' }).tap();
    expect(await server.database.db.selectFrom('devices').select('status').where('pid', '=', citizen.pid).executeTakeFirstOrThrow()).toEqual({ status: 'active' });
    await app.getByRole('button', { name: 'แตะอีกครั้งเพื่อลบ (ต้องลงทะเบียนใหม่)' }).tap();
    await app.getByRole('button', { name: `${citizen.givenNameTh} ${citizen.familyNameTh}` }).waitFor();
    expect(await server.database.db.selectFrom('devices').select(['status', 'revoked_reason']).where('pid', '=', citizen.pid).executeTakeFirstOrThrow()).toEqual({
      status: 'revoked',
      revoked_reason: 'removed from the phone by the citizen',
    });
  });
});
