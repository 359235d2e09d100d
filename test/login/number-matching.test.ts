import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawNumbers } from '../../src/login/number-matching.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

async function scannedSignIn() {
  const device = await enrolledDevice(server, await newCitizen(server));
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
  const login = await openLoginPage(server, rp.url);
  return { device, login, shown: await device.scan(login.shortCode) };
}


describe('number matching', () => {
  it('draws three different two-digit numbers, one of them the number on the screen', () => {
    for (let i = 0; i < 500; i++) {
      const { matchNumber, numberChoices } = drawNumbers();
      expect(numberChoices).toHaveLength(3);
      expect(new Set(numberChoices).size).toBe(3);
      expect(numberChoices).toContain(matchNumber);
      expect(numberChoices.every((n) => n >= 10 && n <= 99)).toBe(true);
    }
  });

  it('puts the right number in each place about as often', () => {
    const places = [0, 0, 0];
    for (let i = 0; i < 900; i++) {
      const { matchNumber, numberChoices } = drawNumbers();
      places[numberChoices.indexOf(matchNumber)]!++;
    }
    for (const count of places) expect(count).toBeGreaterThan(220);
  });

  it("shows the page's number among the phone's choices, the same three at every answer", async () => {
    const { device, login, shown } = await scannedSignIn();
    expect(login.matchNumber).toBeGreaterThanOrEqual(10);
    expect(shown.numberChoices).toContain(login.matchNumber);
    expect(new Set(shown.numberChoices).size).toBe(3);
    expect((await device.approve(shown.id, login.matchNumber, testPin)).numberChoices).toEqual(shown.numberChoices);
  });

  it('refuses the sign-in at a wrong pick, spends no PIN attempt, and reports it', async () => {
    const { device, login, shown } = await scannedSignIn();
    const wrong = shown.numberChoices.find((n) => n !== login.matchNumber)!;

    expect(await refusal(device.approve(shown.id, wrong, testPin))).toMatchObject({ status: 403, code: 'number_mismatch' });

    const row = await server.database.db.selectFrom('devices').select('failed_pin_attempts').where('id', '=', device.requireDeviceId()).executeTakeFirstOrThrow();
    expect(row.failed_pin_attempts).toBe(0);
    // Refused for good: the right number afterwards does not bring it back.
    expect(await refusal(device.approve(shown.id, login.matchNumber, testPin))).toMatchObject({ status: 409 });
    const callback = new URL(await login.continueToRelyingParty());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    // The relying party's developer learns it was the number, not a refusal on the phone.
    expect(callback.searchParams.get('error_description')).toMatch(/number picked .* was not the one the sign-in page showed/);
    expect((await device.history()).entries[0]).toMatchObject({ kind: 'event', event: 'wrong_number' });
    const reports = await fetch(`${server.url}/admin/api/reported-sign-ins?system=${demo.clientId}`, { headers: { authorization: `Bearer ${testAdminToken}` } });
    expect(((await reports.json()) as { reports: unknown[] }).reports).toContainEqual(
      expect.objectContaining({ loginId: shown.id, reason: 'wrong_number', reportedAfter: 'scanned' }),
    );
  });

  it('approves with the right pick and the PIN, from the short code typed by hand', async () => {
    const { device, login, shown } = await scannedSignIn();
    expect((await device.approve(shown.id, login.matchNumber, testPin)).status).toBe('approved');
  });
});
