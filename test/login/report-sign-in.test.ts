import * as oidc from 'openid-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { grantIdOfSignIn } from '../../src/oidc/grant-queries.ts';
import { postgresServerUrl } from '../support/database.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { signedInStaff, textOf } from '../consoles/staff-fixtures.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const iPhone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** A sign-in someone started in a browser, scanned by `device`. */
async function scannedSignIn(device: VirtualDevice) {
  const config = await discoverAsDemoClient(server);
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
  const login = await openLoginPage(server, rp.url);
  const shown = await device.scan(login.appLink);
  return { config, rp, login, id: shown.id };
}

async function reportsOf(clientId: string) {
  const response = await fetch(`${server.url}/admin/api/reported-sign-ins?system=${encodeURIComponent(clientId)}`, {
    headers: { authorization: `Bearer ${testAdminToken}` },
  });
  return ((await response.json()) as { reports: { loginId: string; reportedAfter: string; items: string[]; browser: unknown }[] }).reports;
}

const callbackError = (callback: string) => new URL(callback).searchParams.get('error');

/** Statements of this database waiting for another transaction's lock. */
async function waitingOnLocks(client: pg.Client): Promise<number> {
  const { rows } = await client.query("select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
  return (rows[0] as { waiting: number }).waiting;
}

describe("\"this wasn't me\"", () => {
  it('refuses a sign-in still waiting for the answer: the relying party gets access_denied, staff see the report', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login, id } = await scannedSignIn(device);

    expect(await device.report(id)).toEqual({ id, status: 'denied', grantEnded: false });

    expect(callbackError(await login.continueToRelyingParty())).toBe('access_denied');
    expect((await reportsOf(demo.clientId)).find((r) => r.loginId === id)).toMatchObject({ reportedAfter: 'scanned', items: ['openid', 'pid'] });
    const history = await device.history();
    expect(history.entries[0]).toMatchObject({ kind: 'event', event: 'reported' });
  });

  it('ends what an approval granted: the access and refresh tokens stop working', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { config, rp, login, id } = await scannedSignIn(device);
    await device.approve(id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).pid).toBeTruthy();

    expect(await device.report(id)).toEqual({ id, status: 'denied', grantEnded: true });

    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({ status: 401 });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await reportsOf(demo.clientId)).find((r) => r.loginId === id)).toMatchObject({ reportedAfter: 'approved' });
    // Once only.
    expect(await refusal(device.report(id))).toMatchObject({ status: 409, code: 'login_already_used' });
  });

  it('turns an approval the browser has not carried on yet into access_denied', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login, id } = await scannedSignIn(device);
    await device.approve(id, login.matchNumber, testPin);
    await device.report(id);
    expect(callbackError(await login.continueToRelyingParty())).toBe('access_denied');
  });

  it('ends an approval while the browser is storing its grant: the relying party gets access_denied, not a code', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login, id } = await scannedSignIn(device);
    await device.approve(id, login.matchNumber, testPin);
    // The browser has read the approval; the citizen's report lands just before it stores the grant.
    const Grant = server.providers.provider.Grant;
    const save = Grant.prototype.save;
    Grant.prototype.save = async function (this: InstanceType<typeof Grant>) {
      Grant.prototype.save = save;
      expect(await device.report(id)).toMatchObject({ status: 'denied', grantEnded: true });
      return save.call(this);
    };
    try {
      const callback = await login.continueToRelyingParty();
      expect(callbackError(callback)).toBe('access_denied');
      expect(new URL(callback).searchParams.get('code')).toBeNull();
    } finally {
      Grant.prototype.save = save;
    }
  });

  // Two connections at once: only a PostgreSQL server has them.
  it.skipIf(!postgresServerUrl)('waits for a grant another connection is storing at that moment, and ends it', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { login, id } = await scannedSignIn(device);
    await device.approve(id, login.matchNumber, testPin);
    const storing = new pg.Client({ connectionString: server.testDatabase.databaseUrl });
    await storing.connect();
    try {
      await storing.query('begin');
      await storing.query("insert into oidc_payloads (model, id, payload, expires_at) values ('Grant', $1, '{}', now() + interval '1 hour')", [grantIdOfSignIn(id)]);
      const report = device.report(id);
      // The report waits on the uncommitted grant's key instead of passing it by.
      await expect.poll(() => waitingOnLocks(storing), { timeout: 10_000 }).toBeGreaterThan(0);
      await storing.query('commit');
      expect(await report).toMatchObject({ grantEnded: true });
      const { rows } = await storing.query("select expires_at > now() as live from oidc_payloads where model = 'Grant' and id = $1", [grantIdOfSignIn(id)]);
      expect(rows).toEqual([{ live: false }]);
    } finally {
      await storing.end();
    }
  });

  it('is only for the device that scanned the sign-in', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const other = await enrolledDevice(server, await newCitizen(server));
    const { login, id } = await scannedSignIn(device);
    expect(await refusal(other.report(id))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await refusal(other.report('no-such-sign-in'))).toMatchObject({ status: 404 });
    // The sign-in waits on for the phone that scanned it.
    expect((await login.browser.get(`${login.loginPath}/status`)).body).toMatchObject({ status: 'scanned' });
  });

  it('is recorded in the history even after the system was suspended', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const { rp, login, id } = await scannedSignIn(device);
    await device.approve(id, login.matchNumber, testPin);
    await rp.finish(await login.continueToRelyingParty());
    const systems = server.database.db.updateTable('agency_systems').where('client_id', '=', demo.clientId);
    await systems.set({ status: 'suspended' }).execute();
    try {
      expect(await device.report(id)).toMatchObject({ grantEnded: true });
    } finally {
      await systems.set({ status: 'active' }).execute();
    }
    expect((await device.history()).entries[0]).toMatchObject({ kind: 'event', event: 'reported', system: { clientId: demo.clientId } });
  });

  it("is shown to DOPA staff on the system's page, with the browser that started the sign-in", async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const config = await discoverAsDemoClient(server);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid');
    const page = await fetch(`${server.url}${rp.url.pathname}${rp.url.search}`, { headers: { 'user-agent': iPhone } });
    const appLink = /class="app-link" href="([^"]+)"/.exec(await page.text())![1]!.replaceAll('&#38;', '&');
    const { id } = await device.scan(appLink);
    await device.report(id);

    const staff = await signedInStaff(server, ['reviewer']);
    const systemPage = await staff.browser.agent.get(`/staff/systems/${encodeURIComponent(demo.clientId)}`).expect(200);
    const row = new RegExp(`<tr data-report="[^"]+">[\\s\\S]*?</tr>`).exec(systemPage.text.slice(systemPage.text.indexOf('class="reports"')))?.[0] ?? '';
    expect(textOf(row)).toContain('phone · Safari 17 on iOS 17 · network');
    expect(textOf(row)).toContain('127.0.0.0/24');
    expect(textOf(row)).toContain('refused before an answer');
  });
});
