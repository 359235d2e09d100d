import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import { MAX_STREAMS_PER_DEVICE } from '../../src/notifications/stream-routes.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import request from 'supertest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { writeQrFrame } from '../support/fake-camera.ts';
import { selfProof, startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * The ThaID app as a citizen meets it: a phone-sized, touch browser context plays the phone, filming the login
 * page's QR code through Chromium's fake camera; a desktop context plays the relying party's user.
 */

const citizen = demoPersonas[1]!;
const pin = '40718263';
const screenshots = path.resolve('test-results/citizen-app');

let server: TestServer;
let browser: Browser;
let config: oidc.Configuration;
let camera: string;
let phone: BrowserContext;
let desktop: BrowserContext;
let app: Page;
const elsewhere: string[] = [];

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  config = await discoverAsDemoClient(server);
  camera = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-camera-')), 'camera.y4m');
  writeQrFrame(camera, 'nothing yet');
  fs.mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
  phone = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2, permissions: ['camera'] });
  desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Everything the app loads must come from the server itself.
  phone.on('request', (sent) => {
    if (!sent.url().startsWith(server.issuer) && !sent.url().startsWith('data:')) elsewhere.push(sent.url());
  });
  app = await phone.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Saves the phone's screen and checks what every screen must: nothing wider than the phone, Thai drawn as Thai. */
async function screen(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  // A font without Thai draws every letter as the same missing-glyph box, as wide as a character outside Unicode's planes.
  const layout = (await page.evaluate(`(() => {
    const canvas = document.createElement('canvas').getContext('2d');
    canvas.font = getComputedStyle(document.body).font;
    return {
      width: document.documentElement.scrollWidth,
      thai: ['ก', 'ม', 'ฟ'].map((letter) => canvas.measureText(letter).width),
      missing: canvas.measureText('\\u{10FFFD}').width,
    };
  })()`)) as { width: number; thai: number[]; missing: number };
  expect(layout.width, `${name} fits 360 px`).toBeLessThanOrEqual(360);
  expect(layout.thai.every((width) => width === layout.missing), `${name} draws Thai letters`).toBe(false);
}

/** A sign-in opened in the desktop browser; resolves with the URL the relying party's callback got. */
async function desktopSignIn(scope = 'openid pid name') {
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], scope);
  const page = await desktop.newPage();
  let reached!: (url: string) => void;
  const callback = new Promise<string>((resolve) => (reached = resolve));
  await page.route('http://localhost:8080/**', async (route) => {
    reached(route.request().url());
    await route.fulfill({ contentType: 'text/plain', body: 'relying party' });
  });
  await page.goto(rp.url.href);
  return {
    rp,
    page,
    callback,
    appLink: async () => (await page.getAttribute('.app-link', 'href'))!,
    shortCode: async () => (await page.textContent('.short-code'))!,
    matchNumber: async () => Number(await page.textContent('.match-number')),
  };
}

async function typePin(page: Page, digits: string) {
  for (const digit of digits) await page.locator(`.keypad [data-key="${digit}"]`).tap();
}

/** Scans by typing the short code, the camera's alternative. */
async function scanByCode(code: string) {
  await app.goto(`${server.issuer}/app/#/scan`);
  await app.fill('#short-code', code);
  await app.click('.typed-code button[type=submit]');
  await app.locator('.consent').waitFor();
}

describe.skipIf(!chromiumPath)('the ThaID app in a phone-sized Chromium', () => {
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

  it('enrols by self-service, with the weak-PIN rules shown before the PIN is typed', async () => {
    await app.goto(`${server.issuer}/app/`);
    await app.locator('#pid').waitFor();
    expect(await app.textContent('#pin-rules')).toContain('ไม่ใช่วันที่ใด ๆ');
    await screen(app, '01-enrol');
    await app.getByRole('button', { name: `${citizen.givenNameTh} ${citizen.familyNameTh}` }).tap();
    expect(await app.inputValue('#laser-code')).toBe(citizen.laserCode);
    // Switching the language half-way keeps what was typed, and the default name follows the language.
    await app.fill('#new-pin', pin);
    await app.getByRole('button', { name: 'Switch to English' }).tap();
    await app.getByRole('heading', { name: 'Enrol this phone' }).waitFor();
    expect(await app.inputValue('#laser-code')).toBe(citizen.laserCode);
    expect(await app.inputValue('#new-pin')).toBe(pin);
    expect(await app.inputValue('#device-name')).toBe('My phone');
    await app.getByRole('button', { name: 'เปลี่ยนเป็นภาษาไทย' }).tap();
    await app.getByRole('heading', { name: 'ลงทะเบียนโทรศัพท์นี้' }).waitFor();
    expect(await app.inputValue('#pid')).toBe(citizen.pid);
    await app.fill('#new-pin', '12345678');
    await app.fill('#confirm-pin', '12345678');
    await app.click('form button[type=submit]');
    await expect.poll(() => app.textContent('.message')).toContain('PIN นี้เดาง่ายเกินไป');
    await app.fill('#new-pin', pin);
    await app.fill('#confirm-pin', pin);
    await app.click('form button[type=submit]');
    await app.locator('.scan-start').waitFor();
    expect(await app.textContent('.greeting')).toContain(citizen.givenNameTh);
    await screen(app, '02-scan');
  });

  it('scans the login page through the camera, approves with the number and the PIN, and the desktop signs in', async () => {
    const signIn = await desktopSignIn();
    writeQrFrame(camera, await signIn.appLink());
    await app.locator('.scan-start').tap();
    await app.locator('.consent').waitFor({ timeout: 15_000 });
    expect(await app.textContent('.request')).toContain('ชื่อ-นามสกุล (ภาษาไทย)');
    await screen(app, '03-consent');
    await app.locator(`.number[data-number="${await signIn.matchNumber()}"]`).tap();
    await typePin(app, pin);
    await app.locator('.approve').tap();
    await app.locator('.outcome.ok').waitFor();
    await screen(app, '04-approved');

    tokens = await signIn.rp.finish(await signIn.callback);
    expect(tokens.claims()?.pid).toBe(citizen.pid);
  });

  it('tells a wrong PIN with the attempts left, then approves with the right one', async () => {
    const signIn = await desktopSignIn();
    await scanByCode(await signIn.shortCode());
    await app.locator(`.number[data-number="${await signIn.matchNumber()}"]`).tap();
    await typePin(app, '93016472');
    await app.locator('.approve').tap();
    await expect.poll(() => app.textContent('.message')).toContain('เหลืออีก 4 ครั้ง');
    await screen(app, '05-wrong-pin');
    // The keypad takes the keyboard's digits as well, at any of its keys.
    await app.locator('.keypad [data-key="1"]').focus();
    await app.keyboard.type(pin);
    await app.locator('.approve').focus();
    await app.keyboard.press('Enter');
    await app.locator('.outcome.ok').waitFor();
    expect((await signIn.rp.finish(await signIn.callback)).claims()?.pid).toBe(citizen.pid);
  });

  it('refuses with one tap, and the relying party gets access_denied', async () => {
    const signIn = await desktopSignIn();
    await scanByCode(await signIn.shortCode());
    await app.locator('.deny').tap();
    await app.locator('.outcome').waitFor();
    expect(new URL(await signIn.callback).searchParams.get('error')).toBe('access_denied');
  });

  it('leads back to the start from a request the browser cancelled before the phone answered', async () => {
    const signIn = await desktopSignIn();
    await scanByCode(await signIn.shortCode());
    await signIn.page.locator('form.cancel button').click();
    await app.locator('.deny').tap();
    await expect.poll(() => app.textContent('h1')).toBe('ตอบคำขอนี้ไม่ได้แล้ว');
    expect(await app.textContent('.outcome')).toContain('ถูกยกเลิกบนอีกหน้าจอ');
    await app.locator('.outcome a[href="#/scan"]').tap();
    await app.locator('.scan-start').waitFor();
    await signIn.page.close();
  });

  it('asks a phone that is not enrolled yet to enrol first when it opens an app link', async () => {
    const signIn = await desktopSignIn('openid pid');
    const fresh = await (await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true })).newPage();
    await fresh.goto(await signIn.appLink());
    await fresh.locator('#pid').waitFor();
    expect(await fresh.textContent('main')).toContain('ลงทะเบียนก่อน แล้วแอปจะแสดงคำขอที่เปิดไว้');
    // The testing switches: a rooted phone, and someone else's face before the camera, are refused.
    const other = demoPersonas[0]!;
    await fresh.getByRole('button', { name: `${other.givenNameTh} ${other.familyNameTh}` }).tap();
    await fresh.fill('#new-pin', pin);
    await fresh.fill('#confirm-pin', pin);
    await fresh.locator('#rooted').check();
    await fresh.click('form button[type=submit]');
    await expect.poll(() => fresh.textContent('form .message')).toContain('root หรือ jailbreak');
    await fresh.locator('#rooted').uncheck();
    await fresh.locator('#face-fail').check();
    await fresh.click('form button[type=submit]');
    await expect.poll(() => fresh.textContent('form .message'), { timeout: 5000 }).toContain('ใบหน้าไม่ตรงกับภาพในทะเบียนราษฎร');
    await fresh.context().close();
    await signIn.page.close();
  });

  it('goes straight to the consent screen when the app link is opened on the phone itself, where it may be reported', async () => {
    const signIn = await desktopSignIn('openid pid');
    await app.goto(await signIn.appLink());
    await app.locator('.consent').waitFor();
    expect(new URL(app.url()).pathname).toBe('/app/');
    // "This wasn't me": refused, and reported to DOPA.
    await app.locator('.report').tap();
    await expect.poll(() => app.textContent('h1')).toBe('รายงานแล้ว');
    expect(new URL(await signIn.callback).searchParams.get('error')).toBe('access_denied');
  });

  it('shows the card front and back, the history and this device, in English too', async () => {
    await app.goto(`${server.issuer}/app/#/card`);
    await app.locator('.id-card.front').waitFor();
    expect(await app.textContent('.id-card.front')).toContain(citizen.givenNameTh);
    await screen(app, '06-card-front');
    await app.getByRole('button', { name: 'ดูด้านหลัง' }).tap();
    expect(await app.textContent('.id-card.back')).toContain(citizen.laserCode.slice(3, 10));
    await screen(app, '07-card-back');

    await app.goto(`${server.issuer}/app/#/history`);
    await app.locator('.entry.disclosure').first().waitFor();
    expect(await app.textContent('.history')).toContain('คุณยืนยันคำขอ');
    await screen(app, '08-history');

    await app.goto(`${server.issuer}/app/#/device`);
    await app.locator('.details').waitFor();
    await app.fill('#current-pin', pin);
    await app.fill('#next-pin', '52817364');
    await app.fill('#confirm-next-pin', '52817364');
    await app.click('.pin-change button[type=submit]');
    await expect.poll(() => app.textContent('.pin-change .message')).toBe('เปลี่ยน PIN แล้ว');
    await app.getByRole('button', { name: 'Switch to English' }).tap();
    await expect.poll(() => app.textContent('h1')).toBe('This device');
    await screen(app, '09-device-english');
    await app.getByRole('button', { name: 'เปลี่ยนเป็นภาษาไทย' }).tap();
  });

  it('is installed with a service worker that keeps the shell and never an API answer, and loads nothing from elsewhere', async () => {
    expect(await app.evaluate('navigator.serviceWorker.ready.then((registration) => registration.scope)')).toBe(`${server.issuer}/app/`);
    const kept = (await app.evaluate(`(async () => {
      const urls = [];
      for (const name of await caches.keys()) for (const kept of await (await caches.open(name)).keys()) urls.push(new URL(kept.url).pathname);
      return urls;
    })()`)) as string[];
    expect(kept).toEqual(expect.arrayContaining(['/app/', '/app/app.js', '/app/manifest.webmanifest']));
    expect(kept.filter((path) => !path.startsWith('/app/'))).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it('keeps its shell for offline use, and shows the history live as notices arrive', async () => {
    await app.goto(`${server.issuer}/app/#/history`);
    await app.locator('.history .entry').first().waitFor({ timeout: 5000 });
    // Someone tries to enrol another phone with this citizen's card data and a stranger's face.
    const stranger = await VirtualDevice.create(server.issuer);
    await expect(stranger.enrol({ proof: await selfProof(server, citizen, 'fail'), pin })).rejects.toMatchObject({ code: 'face_not_matched' });
    await expect.poll(() => app.textContent('.history .entry:first-child'), { timeout: 10_000 }).toContain('การลงทะเบียนไม่สำเร็จ');

    await phone.setOffline(true);
    try {
      await app.reload();
      // The shell the service worker kept opens, and the screen says what it cannot reach.
      await expect.poll(() => app.textContent('h1'), { timeout: 5000 }).toBe('ประวัติการใช้ข้อมูล');
      await expect.poll(() => app.textContent('.message'), { timeout: 5000 }).toContain('ติดต่อเซิร์ฟเวอร์ไม่ได้');
      await screen(app, '10-offline');
    } finally {
      await phone.setOffline(false);
    }
    // Back online, without a reload: the scan screen greets the citizen and the card reads what the offline
    // start could not.
    await app.goto(`${server.issuer}/app/#/scan`);
    await expect.poll(() => app.textContent('.greeting'), { timeout: 5000 }).toContain(citizen.givenNameTh);
    await app.goto(`${server.issuer}/app/#/card`);
    await expect.poll(() => app.textContent('.id-card.front'), { timeout: 5000 }).toContain(citizen.givenNameTh);
  });

  it('opened in more tabs than the notice streams a phone may hold, does not make them close each other in turn', async () => {
    let opened = 0;
    // The streams the new tabs open (the app's own tab may still be coming back from being offline).
    const counting = (sent: { url(): string; frame(): { page(): unknown } }) => {
      if (sent.url().endsWith('/device/v1/notifications/stream') && sent.frame().page() !== app) opened++;
    };
    phone.on('request', counting);
    const tabs = [];
    try {
      for (let i = 0; i <= MAX_STREAMS_PER_DEVICE; i++) {
        const tab = await phone.newPage();
        tabs.push(tab);
        await tab.goto(`${server.issuer}/app/#/scan`);
        await tab.locator('.scan-start').waitFor();
      }
      await expect.poll(() => opened, { timeout: 5000 }).toBe(MAX_STREAMS_PER_DEVICE + 1);
      // The oldest tabs' streams were closed for the newest; more than the retry delay later, none was opened again.
      await tabs[0]!.waitForTimeout(12_000);
      expect(opened).toBe(MAX_STREAMS_PER_DEVICE + 1);
      // A tab whose stream was closed follows the notices again once the citizen uses it.
      await tabs[0]!.goto(`${server.issuer}/app/#/card`);
      await expect.poll(() => opened, { timeout: 5000 }).toBe(MAX_STREAMS_PER_DEVICE + 2);
    } finally {
      phone.off('request', counting);
      for (const tab of tabs) await tab.close();
    }
  });

  it('withdraws a connected service, and the relying party’s userinfo fails at once', async () => {
    const subject = tokens.claims()!.sub;
    expect((await oidc.fetchUserInfo(config, tokens.access_token, subject)).pid).toBe(citizen.pid);
    await app.goto(`${server.issuer}/app/#/services`);
    const service = app.locator(`.service[data-client-id="${demo.clientId}"]`);
    await service.waitFor();
    await screen(app, '11-services');
    await service.locator('.withdraw').tap();
    await service.locator('.withdraw').tap();
    await service.waitFor({ state: 'detached' });
    // The button that had focus is gone: the message that says what happened takes it.
    expect(await app.evaluate('document.activeElement?.className')).toContain('message');
    await expect(oidc.fetchUserInfo(config, tokens.access_token, subject)).rejects.toMatchObject({ status: 401 });
  });

  it('pages the history one load at a time, and keeps the pages opened when it refreshes', async () => {
    const requester = { agency: { id: '', th: 'กรมทดสอบ', en: 'Test Department' }, system: { clientId: demo.clientId, name: 'Test' }, purpose: 'test' };
    for (let i = 0; i < 30; i++) {
      await appendEntry(server.database.db, { kind: 'event', at: new Date().toISOString(), pid: citizen.pid, items: ['pid'], event: 'denied', ...requester });
    }
    const total = (await request(server.url).get(`/admin/api/citizens/${citizen.pid}/history?limit=200`).set('authorization', `Bearer ${testAdminToken}`).expect(200)).body.entries.length as number;
    expect(total).toBeGreaterThan(40);
    await app.goto(`${server.issuer}/app/#/history`);
    await expect.poll(() => app.locator('.history .entry').count()).toBe(20);
    await app.locator('.history + button').dblclick();
    await expect.poll(() => app.locator('.history .entry').count()).toBe(40);
    await app.evaluate("window.dispatchEvent(new CustomEvent('thaid-notice'))");
    await app.waitForTimeout(1000);
    expect(await app.locator('.history .entry').count()).toBe(40);
  });

  it('changes the PIN once however often the button is pressed, and says so in Thai', async () => {
    await app.goto(`${server.issuer}/app/#/device`);
    await app.locator('#current-pin').waitFor();
    const posted: string[] = [];
    app.on('request', (sent) => {
      if (sent.method() === 'POST' && sent.url().endsWith('/device/v1/pin')) posted.push(sent.url());
    });
    // The PIN the device screen's first test set.
    await app.fill('#current-pin', '52817364');
    await app.fill('#next-pin', '61830572');
    await app.fill('#confirm-next-pin', '61830572');
    await app.locator('.pin-change button[type=submit]').dblclick();
    await expect.poll(() => app.textContent('.pin-change .message')).toBe('เปลี่ยน PIN แล้ว');
    await app.waitForTimeout(500);
    expect(posted).toHaveLength(1);
    expect(await app.textContent('.pin-change .message')).toBe('เปลี่ยน PIN แล้ว');
  });

  it('says the server does not know this phone, and offers to enrol again, when its key is not known', async () => {
    /** Sets the device id the app keeps in IndexedDB (when given), and gives the one it kept before. */
    const storedId = (id?: string) =>
      app.evaluate(`new Promise((resolve, reject) => {
        const opened = indexedDB.open('thaid-app', 1);
        opened.onerror = () => reject(opened.error);
        opened.onsuccess = () => {
          const store = opened.result.transaction('device', 'readwrite').objectStore('device');
          const read = store.get('this-phone');
          read.onsuccess = () => {
            const before = read.result.deviceId;
            if (${JSON.stringify(id ?? null)}) store.put({ ...read.result, deviceId: ${JSON.stringify(id ?? null)} }, 'this-phone');
            store.transaction.oncomplete = () => resolve(before);
          };
        };
      })`) as Promise<string>;
    const real = await storedId(randomUUID());
    try {
      await app.goto(`${server.issuer}/app/#/history`);
      await app.reload();
      await expect.poll(() => app.textContent('h1')).toBe('ระบบไม่รู้จักโทรศัพท์นี้');
      expect(await app.locator('main button.primary').textContent()).toBe('ลงทะเบียนโทรศัพท์นี้ใหม่');
      expect(await app.locator('nav').count()).toBe(0);
    } finally {
      await storedId(real);
    }
    await app.goto(`${server.issuer}/app/#/scan`);
    await app.reload();
    await app.locator('.scan-start').waitFor();
  });

  it('locks after five wrong PINs in a row, and says how to recover', async () => {
    const signIn = await desktopSignIn('openid pid');
    await scanByCode(await signIn.shortCode());
    await app.locator(`.number[data-number="${await signIn.matchNumber()}"]`).tap();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await typePin(app, '93016472');
      await app.locator('.approve').tap();
      if (attempt < 5) await expect.poll(() => app.textContent('.message')).toContain(`เหลืออีก ${5 - attempt} ครั้ง`);
    }
    await expect.poll(() => app.textContent('h1')).toBe('โทรศัพท์ถูกล็อก');
    expect(await app.textContent('.outcome')).toContain('ลงทะเบียนโทรศัพท์นี้ใหม่');
    await screen(app, '12-locked');
    await signIn.page.close();
  });

  it('says the phone was replaced, by itself, when a second phone enrols with a registration-office code', async () => {
    await app.goto(`${server.issuer}/app/#/history`);
    await app.locator('.history .entry').first().waitFor();
    const code = (await request(server.url).post('/admin/api/enrolment-codes').set('authorization', `Bearer ${testAdminToken}`).send({ pid: citizen.pid }).expect(201))
      .body.code as string;

    const second = await (await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true })).newPage();
    await second.goto(`${server.issuer}/app/`);
    await second.locator('#method-office').check();
    await second.fill('#office-code', code);
    await second.fill('#new-pin', '52907361');
    await second.fill('#confirm-pin', '52907361');
    await second.click('form button[type=submit]');
    await second.locator('.scan-start').waitFor();

    await expect.poll(() => app.textContent('h1'), { timeout: 10_000 }).toBe('โทรศัพท์นี้ถูกแทนที่แล้ว');
    await screen(app, '13-replaced');
    await second.context().close();
  });
});
