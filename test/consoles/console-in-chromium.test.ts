import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPid } from '../../src/registry/pid.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsoleInChromium } from '../support/consoles.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

const screenshots = path.resolve('test-results/screenshots');

let server: TestServer;
let browser: Browser;
let citizen: Citizen;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  citizen = await newCitizen(server);
  for (const role of ['reviewer', 'administrator']) {
    await request(server.url).post('/admin/api/staff').set('authorization', `Bearer ${testAdminToken}`).send({ pid: citizen.pid, role }).expect(201);
  }
  fs.mkdirSync(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe.skipIf(!chromiumPath)('the staff console in Chromium', () => {
  it('signs in through the real login page and the phone, and shows the home and audit pages', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'th-TH' });
    const page = await context.newPage();
    await signInToConsoleInChromium(page, server, 'staff', citizen, {
      onLoginPage: async (login) => {
        // The same login page as every relying party's, naming DOPA and its staff console.
        expect(await login.locator('.qr-image svg').count()).toBe(1);
        expect(await login.textContent('.agency')).toContain('กรมการปกครอง');
        expect(await login.textContent('.request')).toContain('Staff console');
        await login.screenshot({ path: path.join(screenshots, 'staff-login-page.png'), fullPage: true });
      },
    });

    expect(new URL(page.url()).pathname).toBe('/staff');
    const header = await page.textContent('header');
    expect(header).toContain('คอนโซลเจ้าหน้าที่ กรมการปกครอง');
    expect(header).toContain(`${citizen.givenNameTh} ${citizen.familyNameTh}`);
    expect(header).toContain('ผู้ตรวจสอบ · Reviewer');
    expect(await page.textContent('main')).toContain(formatPid(citizen.pid));
    // Thai is drawn with a Thai font, not boxes: the heading's Thai text has a real width.
    const thaiWidth = await page.locator('h1').evaluate((h1) => {
      const probe = h1.ownerDocument.createElement('span');
      probe.textContent = 'สวัสดี';
      h1.append(probe);
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      return width;
    });
    expect(thaiWidth).toBeGreaterThan(30);
    await page.screenshot({ path: path.join(screenshots, 'staff-home.png'), fullPage: true });

    await page.getByRole('link', { name: /Audit log/ }).first().click();
    await page.waitForURL(/\/staff\/audit$/);
    expect(await page.locator('table.audit tbody tr').count()).toBeGreaterThan(0);
    expect(await page.textContent('table.audit')).toContain('staff.add');
    await page.fill('input[name="action"]', 'staff.add');
    await page.getByRole('button', { name: /Filter/ }).click();
    await page.waitForURL(/action=staff\.add/);
    expect(await page.locator('table.audit tbody tr').count()).toBe(2);
    await page.screenshot({ path: path.join(screenshots, 'staff-audit.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(screenshots, 'staff-audit-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${server.issuer}/staff/staff`);
    await page.screenshot({ path: path.join(screenshots, 'staff-staff.png'), fullPage: true });

    // Sign-out is a form: the browser lands on the signed-out page and the console asks to sign in again.
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(/\/staff\/signed-out$/);
    expect(await page.textContent('main')).toContain('You have signed out');
    await page.screenshot({ path: path.join(screenshots, 'staff-signed-out.png'), fullPage: true });
    await context.close();
  });

  it('shows a citizen without a role the 403 page on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const someone = await newCitizen(server);
    const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/staff' && r.request().method() === 'GET' && r.status() !== 303);
    await signInToConsoleInChromium(page, server, 'staff', someone);
    expect((await response).status()).toBe(403);
    expect(await page.textContent('h1')).toContain('No access to the staff console');
    await page.screenshot({ path: path.join(screenshots, 'staff-no-role-phone.png'), fullPage: true });
    await context.close();
  });
});
