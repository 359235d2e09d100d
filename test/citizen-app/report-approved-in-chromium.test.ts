import type * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/*
 * "This wasn't me" after the fact, in the ThaID app: a sign-in the citizen approved and then saw was not theirs is
 * reported from the answer's screen or from its notice in the inbox, and what it granted ends.
 */

const citizen = demoPersonas[1]!;

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

/** A sign-in started on a desktop and approved on the phone with the right number and PIN. */
async function approveSignIn() {
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid name');
  const desktop = await browser.newPage();
  await desktop.route('http://localhost:8080/**', (route) => route.fulfill({ contentType: 'text/plain', body: 'relying party' }));
  await desktop.goto(rp.url.href);
  await app.goto(`${server.issuer}/app/#/scan`);
  await app.fill('#short-code', (await desktop.textContent('.short-code'))!);
  await app.click('.typed-code button[type=submit]');
  await app.locator('.consent').waitFor();
  await app.locator(`.number[data-number="${Number(await desktop.textContent('.match-number'))}"]`).tap();
  for (const digit of testPin) await app.locator(`.keypad [data-key="${digit}"]`).tap();
  await app.locator('.approve').tap();
  await app.locator('.outcome.ok').waitFor();
  await desktop.close();
}

/** The connected services screen: the agencies the citizen's consent is with. */
async function connectedServices() {
  await app.goto(`${server.issuer}/app/#/services`);
  await app.getByRole('heading', { name: 'บริการที่เชื่อมต่อ' }).waitFor();
  return app.locator('.services .service').count();
}

describe.skipIf(!chromiumPath)('reporting an approved sign-in in the ThaID app', () => {
  it('reports it from the approval’s own screen, with a second tap, and its consent ends', async () => {
    await approveSignIn();
    const report = app.locator('.outcome .report-approved');
    await report.getByRole('button', { name: 'ฉันไม่ได้ขอเข้าสู่ระบบนี้' }).tap();
    // The first tap only asks.
    expect(await report.locator('.message').textContent()).toBe('');
    await report.getByRole('button', { name: 'แตะอีกครั้งเพื่อรายงาน และยกเลิกสิ่งที่คุณยินยอม' }).tap();
    await expect.poll(() => report.locator('.message').textContent()).toContain('รายงานแล้ว สิ่งที่คุณยินยอมสิ้นสุดแล้ว');
    expect(await connectedServices()).toBe(0);
  });

  it('reports it from its notice in the inbox, and says so when it was reported already', async () => {
    await approveSignIn();
    expect(await connectedServices()).toBe(1);
    await app.goto(`${server.issuer}/app/#/notices`);
    const approvals = app.locator('.notice[data-kind="login_approved"]');
    await expect.poll(() => approvals.count()).toBe(2);

    // The newest approval: reported here.
    const newest = approvals.first();
    await newest.getByRole('button', { name: 'ฉันไม่ได้ขอเข้าสู่ระบบนี้' }).tap();
    await newest.getByRole('button', { name: 'แตะอีกครั้งเพื่อรายงาน และยกเลิกสิ่งที่คุณยินยอม' }).tap();
    await expect.poll(() => newest.locator('.message').textContent()).toContain('รายงานแล้ว');
    // The older one, reported on its approval's screen before.
    const older = approvals.nth(1);
    await older.getByRole('button', { name: 'ฉันไม่ได้ขอเข้าสู่ระบบนี้' }).tap();
    await older.getByRole('button', { name: 'แตะอีกครั้งเพื่อรายงาน และยกเลิกสิ่งที่คุณยินยอม' }).tap();
    await expect.poll(() => older.locator('.message').textContent()).toBe('คำขอนี้ถูกรายงานไปแล้ว');

    expect(await connectedServices()).toBe(0);
    await app.goto(`${server.issuer}/app/#/history`);
    await expect.poll(() => app.locator('.history .entry', { hasText: 'คุณรายงานว่าไม่ได้ขอ' }).count()).toBe(2);
  });
});
