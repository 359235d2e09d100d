import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { enrolledAppPage } from '../support/app-in-chromium.ts';

/* The citizen saves their whole history from the ThaID app's history screen, as CSV or JSON. */

const citizen = demoPersonas[3]!;

let server: TestServer;
let browser: Browser;
let app: Page;

beforeAll(async () => {
  if (!chromiumPath) return;
  server = await startTestServer();
  browser = await launchChromium();
  app = await enrolledAppPage(browser, server.issuer, citizen, { acceptDownloads: true });
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
