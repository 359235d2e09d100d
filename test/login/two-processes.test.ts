import { afterAll, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { openLoginPage, selfProof, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { postgresServerUrl } from '../support/database.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startServerProcess } from '../support/server-process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { followStatusStream } from '../support/status-stream.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.skipIf(!postgresServerUrl)('two server processes on one PostgreSQL database', () => {
  it('the browser waiting on one learns at once that the device approved on the other, and finishes there', async () => {
    const browserSide: TestServer = await startTestServer();
    cleanups.push(() => browserSide.dispose());
    const deviceSide = await startServerProcess({ databaseUrl: browserSide.testDatabase.databaseUrl!, issuer: browserSide.issuer });
    cleanups.push(() => deviceSide.stop());

    const citizen = demoPersonas[0]!;
    const device = await VirtualDevice.create(deviceSide.url);
    await device.enrol({ proof: await selfProof(browserSide, citizen), pin: testPin });

    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(browserSide), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(browserSide, rp.url);
    const cookies = login.browser.jar.getCookies({ domain: '127.0.0.1', path: login.loginPath, secure: false, script: false }).toValueString();

    const stream = followStatusStream(`${browserSide.url}${login.loginPath}/events`, cookies);
    expect(await stream.first).toBe('pending');

    const scanned = await device.scan(login.appLink);
    await device.approve(scanned.id, login.matchNumber, testPin);
    const approvedAt = Date.now();
    const { statuses, at: endedAt } = await stream.ended;
    expect(statuses).toEqual(['pending', 'scanned', 'approved']);
    // Told through NOTIFY, well before the stream's own 5-second recheck would have noticed.
    expect(endedAt - approvedAt).toBeLessThan(4000);

    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(citizen.pid);
  });
});
