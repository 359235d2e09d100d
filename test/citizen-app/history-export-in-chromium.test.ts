import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { testPin } from '../support/browser-login.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/* The citizen saves their whole history from the ThaID app's history screen, as CSV or JSON. */

const citizen = demoPersonas[3]!;

let server: TestServer;
let browser: Browser;
let app: Page;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true, acceptDownloads: true });
  app = await phone.newPage();
  await app.goto(`${server.issuer}/app/`);
  await app.getByRole('button', { name: `${citizen.givenNameTh} ${citizen.familyNameTh}` }).tap();
  await app.fill('#new-pin', testPin);
  await app.fill('#confirm-pin', testPin);
  await app.click('form button[type=submit]');
  await app.locator('.scan-start').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Taps a download button of the history screen; resolves with the file's name and text. */
async function save(format: 'csv' | 'json') {
  const downloaded = app.waitForEvent('download');
  await app.locator(`.history-export button[data-format="${format}"]`).tap();
  const file = await downloaded;
  return { name: file.suggestedFilename(), text: fs.readFileSync((await file.path())!, 'utf8') };
}

describe.skipIf(!chromiumPath)('saving the history from the ThaID app', () => {
  it('saves it as CSV, with its header row and the Thai names as they are', async () => {
    await app.goto(`${server.issuer}/app/#/history`);
    await app.locator('.history .entry').first().waitFor();
    const csv = await save('csv');
    expect(csv.name).toMatch(/^thaid-history-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.text.split('\r\n')[0]).toContain('leaf_index,at,kind,event');
    expect(csv.text).toContain('device_enrolled');
    expect(csv.text).toContain('กรมการปกครอง');
  });

  it('saves it as JSON, the citizen’s whole history', async () => {
    const json = await save('json');
    expect(json.name).toMatch(/^thaid-history-\d{4}-\d{2}-\d{2}\.json$/);
    const saved = JSON.parse(json.text) as { pid: string; entries: { event?: string }[] };
    expect(saved.pid).toBe(citizen.pid);
    expect(saved.entries.map((entry) => entry.event)).toContain('device_enrolled');
  });
});
