import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { postgresServerUrl } from '../support/database.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startServerProcess } from '../support/server-process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

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
    await device.enrol({ proof: { method: 'self', pid: citizen.pid, laserCode: citizen.laserCode, birthdate: citizen.birthdate }, pin: testPin });

    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(browserSide), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(browserSide, rp.url);
    const cookies = login.browser.jar.getCookies({ domain: '127.0.0.1', path: login.loginPath, secure: false, script: false }).toValueString();

    const statuses: string[] = [];
    const streamEnded = new Promise<number>((resolve, reject) => {
      http
        .get(`${browserSide.url}${login.loginPath}/events`, { headers: { cookie: cookies } }, (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (const match of chunk.matchAll(/data: (\{.*\})/g)) statuses.push(JSON.parse(match[1]!).status);
          });
          res.on('end', () => resolve(Date.now()));
        })
        .on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const scanned = await device.scan(login.appLink);
    await device.approve(scanned.id, testPin);
    const approvedAt = Date.now();
    const endedAt = await streamEnded;
    expect(statuses).toEqual(['pending', 'scanned', 'approved']);
    // Told through NOTIFY, not by the 5-second recheck.
    expect(endedAt - approvedAt).toBeLessThan(2000);

    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(citizen.pid);
  });
});
