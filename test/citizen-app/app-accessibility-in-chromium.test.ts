import type * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * The ThaID app as a screen reader meets it: messages in live regions that are there before they speak, a
 * refused PIN tied to its field, and the approve button that keeps its place and its focus.
 */

const citizen = demoPersonas[2]!;
const pin = '40718263';

let server: TestServer;
let browser: Browser;
let app: Page;
let config: oidc.Configuration;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  config = await discoverAsDemoClient(server);
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  app = await phone.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** What a screen reader learns of the focused field: its id, whether it is invalid, and the text describing it. */
const focusedField = (page: Page) =>
  page.evaluate(`(() => {
    const field = document.activeElement;
    const described = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    return {
      id: field.id,
      invalid: field.getAttribute('aria-invalid'),
      description: described.map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
    };
  })()`) as Promise<{ id: string; invalid: string | null; description: string }>;

const invalidFields = (page: Page) => page.locator('[aria-invalid="true"]').evaluateAll((fields) => fields.map((field) => field.id));

describe.skipIf(!chromiumPath)('the ThaID app with a screen reader', () => {
  it('has its message region in the accessibility tree before anything is said in it', async () => {
    await app.goto(`${server.issuer}/app/`);
    await app.locator('#pid').waitFor();
    // A live region that appears with its words is often not read out; one that is there already is.
    expect(await app.getByRole('status').count()).toBe(1);
  });

  it('puts focus on the PIN field the enrolment refuses, marked invalid and described by the message', async () => {
    await app.getByRole('button', { name: `${citizen.givenNameTh} ${citizen.familyNameTh}` }).tap();
    await app.click('form button[type=submit]');
    expect(await focusedField(app)).toEqual({ id: 'new-pin', invalid: 'true', description: expect.stringContaining('PIN ต้องเป็นตัวเลข 8 หลัก') });
    await app.fill('#new-pin', pin);
    await app.fill('#confirm-pin', '40718264');
    await app.click('form button[type=submit]');
    expect(await focusedField(app)).toEqual({ id: 'confirm-pin', invalid: 'true', description: expect.stringContaining('PIN ทั้งสองช่องไม่ตรงกัน') });
    // The field fixed before is no longer said to be wrong.
    expect(await invalidFields(app)).toEqual(['confirm-pin']);
    await app.fill('#confirm-pin', pin);
    await app.click('form button[type=submit]');
    await app.locator('.scan-start').waitFor();
  });

  it('does the same when the PIN is changed', async () => {
    await app.goto(`${server.issuer}/app/#/device`);
    await app.locator('#current-pin').waitFor();
    await app.fill('#current-pin', pin);
    await app.fill('#next-pin', '5937');
    await app.click('form.pin-change button[type=submit]');
    expect(await focusedField(app)).toEqual({ id: 'next-pin', invalid: 'true', description: expect.stringContaining('PIN ต้องเป็นตัวเลข 8 หลัก') });
    await app.fill('#next-pin', '59370146');
    await app.fill('#confirm-next-pin', '59370147');
    await app.click('form.pin-change button[type=submit]');
    expect(await focusedField(app)).toEqual({ id: 'confirm-next-pin', invalid: 'true', description: expect.stringContaining('ไม่ตรงกัน') });
    expect(await invalidFields(app)).toEqual(['confirm-next-pin']);
  });

  it("marks the server's English explanation as English on the Thai screen, so a screen reader reads it with an English voice", async () => {
    expect(await app.evaluate('document.documentElement.lang')).toBe('th');
    // A PIN too easy to guess: the server says in English which rule it breaks.
    await app.fill('#current-pin', pin);
    await app.fill('#next-pin', '12345678');
    await app.fill('#confirm-next-pin', '12345678');
    await app.click('form.pin-change button[type=submit]');
    const refused = app.locator('form.pin-change .message');
    await expect.poll(() => refused.textContent()).toContain('PIN นี้เดาง่ายเกินไป');
    expect(await refused.locator('[lang="en"]').textContent()).toMatch(/^[A-Za-z][^\u0E00-\u0E7F]+$/);

    // A code no sign-in has, the commonest refusal of a scan: said in Thai, with no English left in it.
    await app.goto(`${server.issuer}/app/#/scan`);
    await app.fill('#short-code', 'ABCD-EFGH');
    await app.click('.typed-code button[type=submit]');
    const message = app.locator('.message');
    await expect.poll(() => message.textContent()).toBe('ไม่มีคำขอเข้าสู่ระบบที่ใช้รหัสนี้ ตรวจรหัสอีกครั้ง หรือสแกน QR code ใหม่');
    expect(await message.locator('[lang="en"]').count()).toBe(0);
  });
  it('keeps Approve in the tab order before it can approve, says what it still needs, and keeps focus on it after a wrong PIN', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.goto(rp.url.href);
    await app.goto(`${server.issuer}/app/#/scan`);
    await app.fill('#short-code', (await desktop.textContent('.short-code'))!);
    await app.click('.typed-code button[type=submit]');
    await app.locator('.consent').waitFor();

    const approve = app.getByRole('button', { name: 'ยืนยัน', exact: true });
    expect(await approve.getAttribute('aria-disabled')).toBe('true');
    // Reached with Tab from the keypad's last key, as any button.
    await app.locator('.keypad [data-key="back"]').focus();
    await app.keyboard.press('Tab');
    expect(await app.evaluate('document.activeElement.classList.contains("approve")')).toBe(true);
    await app.keyboard.press('Enter');
    expect(await app.getByRole('status').first().textContent()).toContain('เลือกตัวเลข');

    await app.locator(`.number[data-number="${Number(await desktop.textContent('.match-number'))}"]`).tap();
    for (const digit of '93016472') await app.locator(`.keypad [data-key="${digit}"]`).tap();
    expect(await approve.getAttribute('aria-disabled')).toBe('false');
    await approve.focus();
    await app.keyboard.press('Enter');
    await expect.poll(() => app.locator('.consent .message').textContent()).toContain('PIN ไม่ถูกต้อง');
    // Focus stays where it was, on the button, not lost to the page.
    expect(await app.evaluate('document.activeElement.classList.contains("approve")')).toBe(true);
    await desktop.close();
  });
  it('offers the PIN keypad as a named group of buttons, not a focusable box, and says how many digits are in, never which', async () => {
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const desktop = await browser.newPage();
    await desktop.goto(rp.url.href);
    await app.goto(`${server.issuer}/app/#/scan`);
    await app.fill('#short-code', (await desktop.textContent('.short-code'))!);
    await app.click('.typed-code button[type=submit]');
    await app.locator('.consent').waitFor();

    // As a screen reader lists it: the question names the group, each key is a button with a name, and nothing else.
    const keypad = app.getByRole('group', { name: 'ใส่ PIN เพื่อยืนยัน' });
    const keys = [...'1234567890'].map((digit) => `  - button "${digit}"`);
    expect(await keypad.ariaSnapshot()).toBe(['- group "ใส่ PIN เพื่อยืนยัน":', ...keys, '  - button "ลบ"'].join('\n'));
    // Tab goes from the numbers to the first key: no box of its own to stop at.
    expect(await app.locator('.pin-entry[tabindex], .pin-entry [tabindex]').count()).toBe(0);
    await app.locator('.number').last().focus();
    await app.keyboard.press('Tab');
    expect(await app.evaluate('document.activeElement.dataset.key')).toBe('1');

    // Typed at a key, or pressed: what is said, and what describes the keypad, is the count.
    await app.keyboard.type('93');
    await app.locator('.keypad [data-key="0"]').tap();
    const count = app.locator('.pin-entry [aria-live="polite"]');
    expect(await count.textContent()).toBe('ใส่แล้ว 3 จาก 8 หลัก');
    const description = await app.evaluate(`(() => {
      const group = document.querySelector('.keypad[role="group"]');
      return group.getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id).textContent).join(' ');
    })()`);
    expect(description).toBe('PIN 8 หลัก กดปุ่มหรือพิมพ์ตัวเลขได้ ใส่แล้ว 3 จาก 8 หลัก');
    await app.locator('.keypad [data-key="back"]').tap();
    expect(await count.textContent()).toBe('ใส่แล้ว 2 จาก 8 หลัก');
    await desktop.close();
  });

  it('draws no focus ring around a screen’s title, which takes focus only for a screen reader to start there', async () => {
    await app.goto(`${server.issuer}/app/#/card`);
    await app.reload();
    await app.locator('.id-card.front').waitFor();
    const title = (await app.evaluate(`(() => {
      const h1 = document.querySelector('main h1');
      return { focused: document.activeElement === h1, outline: getComputedStyle(h1).outlineStyle };
    })()`)) as { focused: boolean; outline: string };
    expect(title).toEqual({ focused: true, outline: 'none' });
  });

  it('marks the English title of the ID card as English, whichever language the app is in', async () => {
    await app.goto(`${server.issuer}/app/#/card`);
    await app.locator('.id-card.front').waitFor();
    expect(await app.locator('.card-title [lang="en"]').textContent()).toBe('Thai National ID Card');
  });

  it('leaves the history list as it is when a look again finds nothing new, so a screen reader keeps its place', async () => {
    await app.goto(`${server.issuer}/app/#/history`);
    await app.locator('.history .entry').first().waitFor();
    await app.evaluate(`document.querySelector('.history .entry').setAttribute('data-read-here', 'yes')`);
    const lookedAgain = app.waitForResponse((answer) => new URL(answer.url()).pathname === '/device/v1/history');
    await app.evaluate(`window.dispatchEvent(new Event('thaid-notice'))`);
    await lookedAgain;
    // The answer is in; the list would have been redrawn by now.
    await app.waitForTimeout(200);
    expect(await app.locator('.history .entry[data-read-here="yes"]').count()).toBe(1);
  });
});
