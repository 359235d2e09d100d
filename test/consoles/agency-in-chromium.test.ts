import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveApplication, prepareApplication } from '../../src/applications/actions.ts';
import type { ApplicationForm } from '../../src/applications/form.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { completeForm, newStaff } from '../applications/forms.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { newCitizen } from '../support/citizens.ts';
import { signInToConsoleInChromium } from '../support/consoles.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { fieldsOf } from './agency-support.ts';

const screenshots = path.resolve('test-results/screenshots');

let server: TestServer;
let browser: Browser;
let citizen: Citizen;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  citizen = await newCitizen(server);
  fs.mkdirSync(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Types the fields into the page's form as a person would: text typed, boxes ticked, choices chosen. */
async function fill(page: Page, fields: [string, string][]): Promise<void> {
  for (const [name, value] of fields) {
    const input = page.locator(`[name="${name}"]`).first();
    const type = await input.evaluate((el) => (el.tagName === 'SELECT' ? 'select' : (el.getAttribute('type') ?? 'text')));
    if (type === 'checkbox' || type === 'radio') await page.locator(`[name="${name}"][value="${value}"]`).check();
    else if (type === 'select') await input.selectOption(value);
    else await input.fill(value);
  }
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

describe.skipIf(!chromiumPath)('the agency portal in Chromium', () => {
  it('walks an administrator from the home page through the form, the application, the agency, a secret, the conditions and a letter', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'th-TH' });
    const page = await context.newPage();
    await signInToConsoleInChromium(page, server, 'agency', citizen);
    expect(new URL(page.url()).pathname).toBe('/agency');
    await shot(page, 'agency-home-empty');

    // The form: a first try with a mistake, shown at its field with what was typed.
    await page.getByRole('link', { name: /New application/ }).click();
    await page.waitForURL(/\/agency\/applications\/new$/);
    const form: ApplicationForm = completeForm(citizen, {
      systems: [{ ...completeForm(citizen).systems![0]!, redirectUris: ['https://eservice.example.go.th/auth/thaid/callback/with/a/rather/long/path/segment?tenant=provincial-office-bangkok'] }],
    });
    const mistaken = fieldsOf({ ...form, administrator: { ...form.administrator, email: 'somchai@gmail.com' }, startDate: undefined });
    await fill(page, mistaken.filter(([name]) => name !== 'conditionsVersion'));
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.waitForURL(/\/agency\/applications\/[0-9a-f-]+\/form$/);
    expect(await page.locator('#form-problems').textContent()).toContain("must be an address on the agency's domain");
    expect(await page.inputValue('[name="administrator.email"]')).toBe('somchai@gmail.com');
    expect(await page.locator('#f-administrator-email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-startDate-problems').textContent()).toContain('ต้องกรอก');
    await shot(page, 'agency-form-problems');

    // Fixed, with a second redirect URI through "add another", and submitted.
    await page.fill('[name="administrator.email"]', form.administrator!.email!);
    await page.fill('[name="startDate"]', form.startDate!);
    await page.check('[name="conditionsVersion"]');
    await page.getByRole('button', { name: /Add another URI/ }).click();
    await page.waitForURL(/more=uri\.0/);
    await page.fill('[name="systems.0.redirectUris.1"]', 'http://localhost:9123/callback');
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.waitForURL(/\/agency\/applications\/[0-9a-f-]+$/);
    expect(await page.locator('.badge[data-status]').textContent()).toContain('Submitted');
    const applicationUrl = page.url();
    const id = new URL(applicationUrl).pathname.split('/').at(-1)!;
    await shot(page, 'agency-application-submitted');

    // DOPA prepares and approves it; the application page shows the decision and the timeline.
    const reviewer = await newStaff(server, ['reviewer']);
    const approver = await newStaff(server, ['approver']);
    await prepareApplication(server.database.db, reviewer.actor, id, { systems: [{ index: 0, dailyQuota: 2000 }] });
    const approval = await approveApplication(server.database.db, approver.actor, id);
    const agencyId = approval.application.agencyId!;

    await page.goto(applicationUrl);
    expect(await page.locator('#approval').textContent()).toContain(approval.letter.number);
    await shot(page, 'agency-application-approved');

    // The agency page: its system, and a new client secret shown once.
    await page.getByRole('link', { name: /The agency's page/ }).click();
    await page.waitForURL(new RegExp(`/agency/agencies/${agencyId}$`));
    expect(await page.locator('.system-card').count()).toBe(1);
    await page.selectOption('select[name="grace"]', '2');
    await page.getByRole('button', { name: /Issue a new client secret/ }).click();
    await page.waitForURL(new RegExp(`/agency/agencies/${agencyId}#system-`));
    const secret = await page.locator('code.secret').textContent();
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(page.url()).not.toContain(secret!);
    await shot(page, 'agency-secret-once');
    await page.reload();
    expect(await page.locator('code.secret').count()).toBe(0);

    // DOPA publishes new conditions: the next page is their acceptance, then the page asked for.
    await request(server.url)
      .post('/admin/api/conditions')
      .set('authorization', `Bearer ${testAdminToken}`)
      .send({
        textTh: '1. ใช้บริการเพื่อวัตถุประสงค์ที่ได้รับอนุญาตเท่านั้น\n2. แจ้งกรมการปกครองภายใน 72 ชั่วโมงเมื่อพบการรั่วไหลของข้อมูลหรือรหัสลับ',
        textEn: '1. Use the service only for the permitted purpose.\n2. Tell DOPA within 72 hours of any leak of data or of a client secret.',
      })
      .expect(201);
    await page.reload();
    await page.waitForURL(/\/agency\/conditions\?next=/);
    expect(await page.textContent('h1')).toContain('Conditions of use, version 2');
    await shot(page, 'agency-conditions');
    await page.getByRole('button', { name: /Accept version 2/ }).click();
    await page.waitForURL(new RegExp(`/agency/agencies/${agencyId}$`));
    expect(await page.textContent('.notice')).toContain('Recorded the acceptance of version 2');

    // A suspension notice in the inbox.
    await request(server.url)
      .post(`/admin/api/systems/${approval.credentials[0]!.clientId}/status`)
      .set('authorization', `Bearer ${testAdminToken}`)
      .send({ status: 'suspended', reason: 'ระบบขอข้อมูลวันเกิดโดยไม่ได้รับอนุญาต · The system asked for the birth date without permission', notice: 'after' })
      .expect(200);
    await page.reload();
    expect(await page.locator('tr[data-kind="suspension"]').count()).toBe(1);
    await shot(page, 'agency-agency');

    // The letter, on screen and as printed.
    await page.getByRole('link', { name: approval.letter.number }).first().click();
    await page.waitForURL(/\/agency\/letters\//);
    expect(await page.locator('article.letter').textContent()).toContain(form.agency!.nameTh!);
    await shot(page, 'agency-letter');
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'agency-letter-print');
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${server.issuer}/agency`);
    await shot(page, 'agency-home');
    await context.close();
  });

  it('shows the form and the agency page on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInToConsoleInChromium(page, server, 'agency', citizen);
    await page.goto(`${server.issuer}/agency/applications/new`);
    await page.fill('[name="systems.0.redirectUris.0"]', 'not a url');
    await page.fill('[name="agency.nameTh"]', 'สำนักงานทดสอบบนโทรศัพท์');
    await page.getByRole('button', { name: /Save draft/ }).click();
    await page.waitForURL(/\/form$/);
    expect(await page.locator('#f-systems-0-redirectUris-0-problems').textContent()).toContain('must be an absolute URL');
    // Nothing is wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'agency-form-phone');

    const agencyLink = page.locator('a[href^="/agency/agencies/"]').first();
    await page.goto(`${server.issuer}/agency`);
    await agencyLink.click();
    await page.waitForURL(/\/agency\/agencies\//);
    const pageOverflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(pageOverflow).toBeLessThanOrEqual(0);
    await shot(page, 'agency-agency-phone');
    await context.close();
  });
});
