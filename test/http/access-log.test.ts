import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ logger: pino({ level: 'info' }, sink) });
});
afterAll(() => server?.dispose());

describe('the access log', () => {
  it('names the routes of a sign-in, never its login page address, app link or login id', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await request(server.url).get(new URL(login.appLink, server.issuer).pathname);
    const held = await device.scan(login.appLink);
    await device.approve(held.id, login.matchNumber, testPin);
    await login.continueToRelyingParty();

    const uid = login.loginPath.split('/').at(-1)!;
    const logged = lines.map((line) => JSON.parse(line) as { msg?: string; path?: string }).filter((entry) => entry.msg === 'request');
    const paths = logged.map((entry) => entry.path!);
    expect(paths).toEqual(expect.arrayContaining(['/api/v2/oauth2/auth/:uid', '/app/login/:id', '/device/v1/logins/scan', '/device/v1/logins/:id/approve']));
    const everything = lines.join('\n');
    expect(everything).not.toContain(uid);
    expect(everything).not.toContain(held.id);
  });
});
