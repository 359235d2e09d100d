import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveApplication, prepareApplication } from '../../src/applications/actions.ts';
import { showApplication } from '../../src/applications/reads.ts';
import { adminTokenActor } from '../../src/applications/actors.ts';
import { changeStatus } from '../../src/agencies/status-changes.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import { newStaff } from '../applications/forms.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsoleInChromium } from '../support/consoles.ts';
import { authorizationUrl } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { filedApplication } from './staff-fixtures.ts';

const screenshots = path.resolve('test-results/screenshots');

let server: TestServer;
let browser: Browser;
let staff: Citizen;
/** An application waiting for review, with a long redirect URI. */
let submitted: Awaited<ReturnType<typeof filedApplication>>;
/** An approved application: its agency and letter. */
let approved: { id: string; agencyId: string; letterNumber: string; clientId: string };

const longUri = 'https://eservice.department-of-very-long-names.go.th/authentication/thaid/callback/return-to-the-service-after-sign-in?channel=web&lang=th';

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  const db = server.database.db;
  staff = await newCitizen(server);
  for (const role of ['reviewer', 'approver', 'administrator'] as const) await grantStaffRole(db, staff.pid, role, 'admin_token');

  // A queue of a few applications; the one prepared in the browser asks for a long redirect URI besides its own.
  const earlier = await filedApplication(server);
  await filedApplication(server);
  const system = earlier.form.systems![0]!;
  submitted = await filedApplication(server, { systems: [{ ...system, name: 'ระบบบริการอิเล็กทรอนิกส์ · e-Service', redirectUris: [...system.redirectUris!, longUri] }] });

  // Another application, prepared and approved by two other people, for the letter and agency pages.
  const other = await filedApplication(server);
  const reviewer = await newStaff(server, ['reviewer']);
  const approver = await newStaff(server, ['approver']);
  await prepareApplication(db, reviewer.actor, other.id, {
    systems: [{ index: 0, scopes: ['pid', 'name'], dailyQuota: 800 }],
    note: 'The birth date is not needed.',
  });
  const approval = await approveApplication(db, approver.actor, other.id);
  const clientId = approval.letter.systems[0]!.clientId;
  approved = { id: other.id, agencyId: approval.application.agencyId!, letterNumber: approval.letter.number, clientId };
  // Some history on the agency's page: a refused request for data not permitted, and a notice.
  const redirectUri = approval.letter.systems[0]!.redirectUris[0]!;
  await request(server.url).get(authorizationUrl(server, { client_id: clientId, redirect_uri: redirectUri, scope: 'openid pid address gender' })).expect(303);
  await changeStatus(db, { kind: 'system', id: clientId }, { status: 'suspended', reason: 'ขอระงับชั่วคราวระหว่างตรวจสอบการขอข้อมูลเกินสิทธิ์ · Suspended while the requests beyond permission are reviewed', notice: 'after' }, null);
  fs.mkdirSync(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

/** Whether anything on the page is wider than the window: a long URI that does not wrap, say. */
const overflows = async (page: Page) => (await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1')) as boolean;

describe.skipIf(!chromiumPath)('the staff console’s work pages in Chromium', () => {
  it('walks the queue, an application, its preparation, a letter, an agency and the conditions', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'th-TH' });
    const page = await context.newPage();
    await signInToConsoleInChromium(page, server, 'staff', staff);

    await page.getByRole('link', { name: /Applications/ }).first().click();
    await page.waitForURL(/\/staff\/applications$/);
    expect(await page.locator('table.applications tbody tr').count()).toBeGreaterThanOrEqual(4);
    await page.selectOption('select[name="status"]', 'submitted');
    await page.getByRole('button', { name: /Filter/ }).click();
    await page.waitForURL(/status=submitted/);
    await shot(page, 'staff-applications-queue');

    await page.click(`tr[data-application="${submitted.id}"] a`);
    await page.waitForURL(new RegExp(`/staff/applications/${submitted.id}$`));
    expect(await page.textContent('h1')).toContain(submitted.form.agency!.nameTh!);
    expect(await overflows(page)).toBe(false);
    await shot(page, 'staff-application');
    await page.locator('#prepare').screenshot({ path: path.join(screenshots, 'staff-application-prepare-form.png') });

    // Prepare: leave out the birth date and the long URI, and set a quota.
    await page.uncheck('input[name="system-0-scope"][value="birthdate"]');
    await page.uncheck(`input[name="system-0-redirect-uri"][value="${longUri}"]`);
    await page.fill('input[name="system-0-daily-quota"]', '750');
    await page.fill('textarea[name="note"]', 'ไม่จำเป็นต้องใช้วันเดือนปีเกิด · The birth date is not needed.');
    await page.getByRole('button', { name: /Prepare approval/ }).click();
    await page.waitForURL(new RegExp(`/staff/applications/${submitted.id}$`));
    expect(await page.textContent('.notice')).toContain('Another person, an approver, must approve it.');
    expect(await page.locator('.own-preparation').count()).toBe(1);
    expect(await page.locator(`form[action$="/approve"]`).count()).toBe(0);
    const prepared = await showApplication(server.database.db, adminTokenActor, submitted.id);
    expect(prepared.preparation!.systems[0]).toMatchObject({ scopes: ['pid', 'name'], dailyQuota: 750 });
    expect(prepared.preparation!.systems[0]!.redirectUris).not.toContain(longUri);
    await shot(page, 'staff-application-prepared');

    // On a phone, nothing is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    expect(await overflows(page)).toBe(false);
    await shot(page, 'staff-application-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${server.issuer}/staff/letters/${approved.letterNumber}`);
    expect(await page.textContent('.letter')).toContain(approved.letterNumber);
    expect(await page.textContent('.letter')).toContain('เลขประจำตัวประชาชน');
    await shot(page, 'staff-letter');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.console-header').isVisible()).toBe(false);
    expect(await page.locator('nav.console-nav').isVisible()).toBe(false);
    expect(await page.locator('.letter-tools').isVisible()).toBe(false);
    await shot(page, 'staff-letter-print');
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${server.issuer}/staff/agencies/${approved.agencyId}`);
    expect(await page.locator(`tr[data-client-id="${approved.clientId}"]`).textContent()).toContain('Suspended');
    expect(await page.locator('table.violations tbody tr').count()).toBe(1);
    expect(await page.locator('table.notices tbody tr').count()).toBe(1);
    await shot(page, 'staff-agency');

    await page.getByRole('link', { name: /Agencies and systems/ }).first().click();
    await page.waitForURL(/\/staff\/agencies$/);
    // The chart is drawn: an image that loaded, with a real width.
    const chartWidth = await page.locator('img.chart').evaluate((img) => {
      const image = img as unknown as { complete: boolean; naturalWidth: number };
      return image.complete ? image.naturalWidth : 0;
    });
    expect(chartWidth).toBeGreaterThan(0);
    await shot(page, 'staff-agencies');

    await page.getByRole('link', { name: /Conditions of use/ }).first().click();
    await page.waitForURL(/\/staff\/conditions$/);
    expect(await page.locator('.current-th').textContent()).toMatch(/[\u0E01-\u0E4E]/);
    await shot(page, 'staff-conditions');
    await context.close();
  });
  it('fits 320 CSS pixels (a 1280-pixel window zoomed to 400%) on every page: nothing but a wide table scrolls sideways', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'th-TH' });
    const page = await context.newPage();
    await signInToConsoleInChromium(page, server, 'staff', staff);
    const pages = [
      '/staff',
      '/staff/applications',
      `/staff/applications/${submitted.id}`,
      `/staff/applications/${approved.id}`,
      `/staff/letters/${approved.letterNumber}`,
      '/staff/agencies',
      `/staff/agencies/${approved.agencyId}`,
      '/staff/audit',
      '/staff/staff',
      '/staff/conditions',
    ];
    const wide: string[] = [];
    for (const path of pages) {
      await page.goto(`${server.issuer}${path}`);
      if (await overflows(page)) wide.push(`${path}: ${await page.evaluate('document.documentElement.scrollWidth')} px`);
    }
    expect(wide).toEqual([]);
    await context.close();
  });
  it('writes the English half of a notice as legibly as the Thai: contrast of at least 4.5:1 on its background', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'th-TH' });
    const page = await context.newPage();
    await signInToConsoleInChromium(page, server, 'staff', staff);
    await page.goto(`${server.issuer}/staff/staff`);
    await page.fill('input[name="pid"]', (await newCitizen(server)).pid);
    await page.locator('form[action="/staff/staff/add"] button[type="submit"]').click();
    await page.locator('.notice-done').waitFor();
    // The text's colour, faded by any opacity up to the notice, over the notice's background (WCAG's formula).
    const contrast = (await page.evaluate(`(() => {
      const notice = document.querySelector('.notice-done');
      const english = notice.querySelector('[lang="en"]');
      const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
      let opacity = 1;
      for (let element = english; element !== notice.parentElement; element = element.parentElement) opacity *= Number(getComputedStyle(element).opacity);
      const background = rgb(getComputedStyle(notice).backgroundColor);
      const text = rgb(getComputedStyle(english).color).map((value, i) => value * opacity + background[i] * (1 - opacity));
      const luminance = (colour) => colour.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
      return (light + 0.05) / (dark + 0.05);
    })()`)) as number;
    expect(contrast).toBeGreaterThanOrEqual(4.5);
    await context.close();
  });
});
