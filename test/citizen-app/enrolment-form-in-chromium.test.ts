import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { formatPid } from '../../src/registry/pid.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { testPin } from '../support/browser-login.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * The ThaID app's enrolment form as a citizen typing their card meets it: the citizen ID as the card prints it,
 * and a card field that cannot be right named, in Thai, at that field, before anything is sent.
 */

const citizen = demoPersonas[0]!;

let server: TestServer;
let browser: Browser;
let app: Page;
/** The device API requests the page sent. */
const sent: string[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true });
  app = await phone.newPage();
  app.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/device/v1/')) sent.push(new URL(request.url()).pathname);
  });
  await app.goto(`${server.issuer}/app/`);
  await app.locator('#pid').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** What a screen reader learns of the focused field: its id, whether it is invalid, and the text describing it. */
const focusedField = () =>
  app.evaluate(`(() => {
    const field = document.activeElement;
    const described = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    return { id: field.id, invalid: field.getAttribute('aria-invalid'), description: described.map((id) => document.getElementById(id)?.textContent ?? '').join(' ') };
  })()`) as Promise<{ id: string; invalid: string | null; description: string }>;

async function fillCard(card: { pid: string; laserCode: string; birthdate: string }) {
  await app.fill('#pid', card.pid);
  await app.fill('#laser-code', card.laserCode);
  await app.fill('#birthdate', card.birthdate);
  await app.fill('#new-pin', testPin);
  await app.fill('#confirm-pin', testPin);
}

describe.skipIf(!chromiumPath)('the enrolment form of the ThaID app', () => {
  it.each([
    ['a citizen ID of 12 digits', { pid: citizen.pid.slice(0, 12) }, 'pid', 'เลขประจำตัวประชาชนมี 13 หลัก'],
    ['a citizen ID whose check digit is wrong', { pid: `${citizen.pid.slice(0, 12)}${(Number(citizen.pid[12]) + 1) % 10}` }, 'pid', 'เลขประจำตัวประชาชนนี้ไม่ถูกต้อง'],
    ['a laser code too short', { laserCode: 'JC12345' }, 'laser-code', 'เลขหลังบัตรมีตัวอักษร 2 ตัวและตัวเลข 10 หลัก'],
    ['no date of birth', { birthdate: '' }, 'birthdate', 'ใส่วันเกิดตามบัตร'],
    ['a date of birth in the Buddhist era, as the card prints it', { birthdate: `${Number(citizen.birthdate.slice(0, 4)) + 543}${citizen.birthdate.slice(4)}` }, 'birthdate', `ช่องนี้ใช้ปี ค.ศ.: ปี พ.ศ. ${Number(citizen.birthdate.slice(0, 4)) + 543} คือ ค.ศ. ${citizen.birthdate.slice(0, 4)}`],
  ])('refuses %s at that field, in Thai, sending nothing', async (_, wrong, field, words) => {
    await fillCard({ pid: citizen.pid, laserCode: citizen.laserCode, birthdate: citizen.birthdate, ...wrong });
    sent.length = 0;
    await app.click('form button[type=submit]');
    expect(await focusedField()).toEqual({ id: field, invalid: 'true', description: expect.stringContaining(words) });
    expect(sent).toEqual([]);
  });

  it('takes the citizen ID as the card prints it, with spaces between its groups, and enrols', async () => {
    await fillCard({ pid: formatPid(citizen.pid, ' '), laserCode: citizen.laserCode.replace(/^(\w{3})(\d{7})(\d{2})$/, '$1 $2 $3'), birthdate: citizen.birthdate });
    expect(await app.inputValue('#pid')).toBe(formatPid(citizen.pid, ' '));
    await app.click('form button[type=submit]');
    await app.locator('.scan-start').waitFor();
    expect(await app.textContent('.greeting')).toContain(citizen.givenNameTh);
  });
});
