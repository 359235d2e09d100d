import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { rateLimits } from '../../src/http/rate-limits.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { enrolledDevice, openLoginPage, selfProof, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * Every limit, at the numbers a real installation runs with (RATE_LIMIT_FACTOR=1), on a server of its own: the
 * limits of one address would otherwise add up across the tests of this file.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

const startLimitedServer = async () => (server = await startTestServer({ env: { RATE_LIMIT_FACTOR: '1' } }));

/** Calls `request` `times` times, in order, and returns the refusals (undefined for an answer that was not one). */
async function inTurn(times: number, request: (i: number) => Promise<unknown>) {
  const refusals = [];
  for (let i = 0; i < times; i++) refusals.push(await refusal(request(i)));
  return refusals;
}

const limited = { status: 429, code: 'too_many_requests' };

describe('rate limits', () => {
  it('limit the sign-ins one address starts a minute, with 429, Retry-After and the usual error body', async () => {
    const s = await startLimitedServer();
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(s), demo.redirectUris[0], 'openid pid');
    const path = `${rp.url.pathname}${rp.url.search}`;
    for (let i = 0; i < rateLimits.loginsPerAddress.points; i++) {
      expect((await fetch(`${s.url}${path}`, { redirect: 'manual' })).status).toBe(200);
    }
    const refused = await fetch(`${s.url}${path}`, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ error: 'too_many_requests', error_description: expect.stringContaining('sign-ins started from this network') });
    // However the address of the authorization endpoint is spelled, it is the same endpoint and the same limit.
    for (const spelling of ['/API/V2/OAUTH2/AUTH/', '/api/v2/oauth2/auth//', '/api/v1/oauth2/auth/']) {
      expect((await fetch(`${s.url}${spelling}${rp.url.search}`, { redirect: 'manual' })).status).toBe(429);
    }
  });

  it('count, behind a proxy, the address the proxy saw, whatever the client puts before it in X-Forwarded-For', async () => {
    server = await startTestServer({ env: { RATE_LIMIT_FACTOR: '1', TRUST_PROXY: 'true' } });
    const s = server;
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(s), demo.redirectUris[0], 'openid pid');
    const path = `${rp.url.pathname}${rp.url.search}`;
    // The client's own entries come first; the proxy appends the address it saw last.
    const through = (claimed: string) => fetch(`${s.url}${path}`, { headers: { 'x-forwarded-for': `${claimed}, 198.51.100.7`, accept: 'application/json' }, redirect: 'manual' });
    for (let i = 0; i < rateLimits.loginsPerAddress.points; i++) expect((await through(`10.0.${i >> 8}.${i & 255}`)).status).toBe(200);
    expect((await through('10.9.9.9')).status).toBe(429);
    // A long made-up entry is neither a 500 nor a way round the limit.
    expect((await through('x'.repeat(5000))).status).toBe(429);
    // Another network behind the same proxy is not held back.
    const other = await fetch(`${s.url}${path}`, { headers: { 'x-forwarded-for': '203.0.113.9' }, redirect: 'manual' });
    expect(other.status).toBe(200);
  });

  it('limit the codes one device reads a minute, right or wrong, so sign-in codes cannot be guessed at speed', async () => {
    const s = await startLimitedServer();
    const device = await enrolledDevice(s, await newCitizen(s));
    const guesses = await inTurn(rateLimits.scansPerDevice.points, () => device.scan('ABCD-2345'));
    expect(guesses.every((r) => r?.status === 404)).toBe(true);
    const refused = await refusal(device.scan('ABCD-2345'));
    expect(refused).toMatchObject(limited);
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);

    // Another device is not held back by this one.
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(s), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(s, rp.url);
    const other = await enrolledDevice(s, await newCitizen(s));
    expect((await other.scan(login.appLink)).status).toBe('scanned');
  });

  it('limit the codes read from one address a minute, whichever devices read them', async () => {
    const s = await startLimitedServer();
    const perDevice = rateLimits.scansPerDevice.points;
    const devices = await Promise.all(
      Array.from({ length: rateLimits.scansPerAddress.points / perDevice + 1 }, async () => enrolledDevice(s, await newCitizen(s))),
    );
    for (const device of devices.slice(0, -1)) {
      expect((await inTurn(perDevice, () => device.scan('ABCD-2345'))).every((r) => r?.status === 404)).toBe(true);
    }
    expect(await refusal(devices.at(-1)!.scan('ABCD-2345'))).toMatchObject(limited);
  });

  it('limit the PINs one device enters a minute, even where no attempt could be taken', async () => {
    const s = await startLimitedServer();
    const device = await enrolledDevice(s, await newCitizen(s));
    const entries = await inTurn(rateLimits.pinAttemptsPerDevice.points, () => device.approve('no-such-sign-in', 10, testPin));
    expect(entries.every((r) => r?.status === 404)).toBe(true);
    expect(await refusal(device.approve('no-such-sign-in', 10, testPin))).toMatchObject(limited);
    expect(await refusal(device.changePin(testPin, '93710864'))).toMatchObject(limited);
  });

  it('spend none of a device’s code reads or PIN entries on a captured request sent again', async () => {
    const s = await startLimitedServer();
    const device = await enrolledDevice(s, await newCitizen(s));
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(s), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(s, rp.url);
    const statusesOf = async (signed: { url: string; init: RequestInit }, times: number) => {
      const statuses = [];
      for (let i = 0; i < times; i++) statuses.push((await fetch(signed.url, signed.init)).status);
      return statuses;
    };
    const replays = (count: number) => Array<number>(count).fill(401);

    const scan = await device.signedRequest('POST', '/logins/scan', { code: login.appLink });
    const { id: loginId } = (await (await fetch(scan.url, scan.init)).json()) as { id: string };
    expect(await statusesOf(scan, rateLimits.scansPerDevice.points)).toEqual(replays(rateLimits.scansPerDevice.points));
    expect(await refusal(device.scan('ABCD-2345'))).toMatchObject({ status: 404 });

    const wrongPin = await device.signedRequest('POST', `/logins/${loginId}/approve`, { number: login.matchNumber, pin: '52918374', integrity: 'intact' });
    const points = rateLimits.pinAttemptsPerDevice.points;
    expect(await statusesOf(wrongPin, 1 + points)).toEqual([403, ...replays(points)]);
    expect((await device.approve(loginId, login.matchNumber, testPin)).status).toBe('approved');

    const wrongPinChange = await device.signedRequest('POST', '/pin', { currentPin: '52918374', newPin: '93710864' });
    expect(await statusesOf(wrongPinChange, 1 + points)).toEqual([403, ...replays(points)]);
    expect(await device.changePin(testPin, '93710864')).toEqual({ changed: true });
  });

  it('limit the enrolments of one citizen ID an hour, successful ones too', async () => {
    const s = await startLimitedServer();
    const citizen = await newCitizen(s);
    for (let i = 0; i < rateLimits.enrolmentsPerCitizen.points; i++) await enrolledDevice(s, citizen);
    const next = await VirtualDevice.create(s.issuer);
    expect(await refusal(next.enrol({ proof: await selfProof(s, citizen), pin: testPin }))).toMatchObject(limited);
    // Another citizen enrols from the same address.
    await enrolledDevice(s, await newCitizen(s));
  });

  it('count against a citizen ID only enrolments that check its card data, which the citizen is told of', async () => {
    const s = await startLimitedServer();
    const citizen = await newCitizen(s);
    const realPhone = await enrolledDevice(s, citizen);
    const stranger = await VirtualDevice.create(s.issuer);
    const junk = { method: 'self' as const, pid: citizen.pid, laserCode: 'AA0000000000', birthdate: '1900-01-01', faceSample: (await selfProof(s, citizen, 'fail')).faceSample };
    const weakPins = await inTurn(rateLimits.enrolmentsPerCitizen.points, () => stranger.enrol({ proof: junk, pin: '12345678' }));
    expect(weakPins.every((r) => r?.status === 400)).toBe(true);
    const malformedSamples = await inTurn(rateLimits.enrolmentsPerCitizen.points, () => stranger.enrol({ proof: { ...junk, faceSample: 'AAAA' }, pin: '52918374' }));
    expect(malformedSamples.every((r) => r?.status === 400)).toBe(true);
    expect((await realPhone.notifications()).notifications.map((n) => n.kind)).not.toContain('enrolment_failed');
    // The one enrolment counted so far is the real phone's own.
    await enrolledDevice(s, citizen);
  });

  it('count against a citizen ID no enrolment refused while its failures make it wait', async () => {
    const s = await startLimitedServer();
    const citizen = await newCitizen(s);
    const stranger = await VirtualDevice.create(s.issuer);
    const wrongCard = { ...(await selfProof(s, citizen)), laserCode: 'AA0000000000' };
    const failures = await inTurn(3, () => stranger.enrol({ proof: wrongCard, pin: '52918374' }));
    expect(failures.every((r) => r?.code === 'identity_not_verified')).toBe(true);
    const whileWaiting = await inTurn(rateLimits.enrolmentsPerCitizen.points, () => stranger.enrol({ proof: wrongCard, pin: '52918374' }));
    expect(whileWaiting.every((r) => r?.code === 'enrolment_paused')).toBe(true);
    // The wait passes: three of the five enrolments an hour are spent, by the failures the citizen was told of.
    await s.database.db.updateTable('enrolment_failures').set({ blocked_until: new Date(Date.now() - 1000) }).where('key', '=', `pid:${citizen.pid}`).execute();
    await enrolledDevice(s, citizen);
  });

  it('limit the enrolments from one address an hour, whichever citizens they are for', async () => {
    const s = await startLimitedServer();
    const citizens = await Promise.all(Array.from({ length: rateLimits.enrolmentsPerAddress.points + 1 }, () => newCitizen(s)));
    for (const citizen of citizens.slice(0, -1)) await enrolledDevice(s, citizen);
    const next = await VirtualDevice.create(s.issuer);
    expect(await refusal(next.enrol({ proof: await selfProof(s, citizens.at(-1)!), pin: testPin }))).toMatchObject(limited);
  });

  it('limit the sandbox camera captures from one address an hour', async () => {
    const s = await startLimitedServer();
    const persona = demoPersonas[0]!;
    const device = await VirtualDevice.create(s.issuer);
    const refusals = await inTurn(rateLimits.faceCapturesPerAddress.points + 1, () => device.sandboxFace(persona.pid, 'pass'));
    expect(refusals.slice(0, -1)).toEqual(Array(rateLimits.faceCapturesPerAddress.points).fill(undefined));
    expect(refusals.at(-1)).toMatchObject(limited);
  });

  it('hold at most a few status streams open per sign-in, and give a place back when one closes', async () => {
    const s = await startLimitedServer();
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(s), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(s, rp.url);
    const cookies = login.browser.jar.getCookies({ domain: '127.0.0.1', path: login.loginPath, secure: false, script: false }).toValueString();
    const open = () =>
      new Promise<{ status: number; close: () => void }>((resolve, reject) => {
        const request = http.get(`${s.url}${login.loginPath}/events`, { headers: { cookie: cookies, accept: 'text/event-stream' } }, (response) =>
          resolve({ status: response.statusCode ?? 0, close: () => request.destroy() }),
        );
        request.on('error', reject);
      });
    const streams = [];
    for (let i = 0; i < rateLimits.streamsPerSignIn.points; i++) streams.push(await open());
    expect(streams.map((stream) => stream.status)).toEqual(streams.map(() => 200));
    const refused = await open();
    expect(refused.status).toBe(429);
    refused.close();

    streams.pop()!.close();
    let reopened = 0;
    for (let tries = 0; tries < 50 && reopened !== 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stream = await open();
      reopened = stream.status;
      if (reopened !== 200) stream.close();
      else streams.push(stream);
    }
    expect(reopened).toBe(200);
    for (const stream of streams) stream.close();
  });
});
