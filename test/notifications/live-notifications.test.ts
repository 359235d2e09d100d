import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationStream, StreamEvent } from '../../src/devices/virtual-device-stream.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { MAX_STREAMS_PER_DEVICE } from '../../src/notifications/stream-routes.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { postgresServerUrl } from '../support/database.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startServerProcess } from '../support/server-process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const streams: NotificationStream[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await server?.dispose();
});

/** Opens a stream the file closes at its end, whatever a test does. */
async function open(device: VirtualDevice, options: { lastEventId?: string } = {}) {
  const stream = await device.openNotificationStream(options);
  streams.push(stream);
  return stream;
}

/** A sign-in of the demo relying party, shown in a browser and scanned by `device`: the scan writes the data request notice. */
async function scanSignIn(device: VirtualDevice, scope = 'openid pid name', on: TestServer = server) {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(on), demo.redirectUris[0], scope);
  const page = await openLoginPage(on, rp.url);
  return { ...(await device.scan(page.appLink)), number: page.matchNumber };
}

const isNotice = (event: StreamEvent) => event.event === 'notification';
const noticesOf = (stream: NotificationStream) => stream.events.filter(isNotice);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nothing of the citizen's own data: their ID, names, birth date or card. */
function expectNoCitizenData(value: unknown, citizen: Citizen) {
  const text = JSON.stringify(value);
  for (const datum of [citizen.pid, citizen.givenNameTh, citizen.familyNameTh, citizen.givenNameEn, citizen.familyNameEn, citizen.birthdate, citizen.laserCode]) {
    expect(text).not.toContain(datum);
  }
}

describe('live notices on a connected device', () => {
  it('a scanned sign-in reaches the open stream at once, with the agency, its system and the data items, never values', async () => {
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const stream = await open(device);

    const scannedAt = Date.now();
    const asked = await scanSignIn(device, 'openid pid name birthdate');
    const event = await stream.waitFor(isNotice, 3000);
    expect(event, 'no notice arrived on the stream').toBeDefined();
    // Woken by NOTIFY, long before the stream's own 15-second look at the database.
    expect(Date.now() - scannedAt).toBeLessThan(2000);

    const notice = event!.data;
    expect(notice.kind).toBe('data_request');
    expect(event!.id).toBe(notice.id);
    expect(notice.en).toContain('Demo Agency');
    expect(notice.en).toContain('Demo relying party');
    expect(notice.th).toContain('หน่วยงานทดลอง');
    expect(notice.details).toMatchObject({ loginId: asked.id, clientId: demo.clientId });
    expect((notice.details as { scopes: string[] }).scopes).toEqual(expect.arrayContaining(['openid', 'pid', 'name', 'birthdate']));
    expectNoCitizenData(notice, citizen);

    // The same notice is in the inbox, for a device that was not connected.
    const inbox = await device.notifications();
    expect(inbox.notifications[0]).toMatchObject({ kind: 'data_request', details: notice.details });
    expect((inbox.notifications[0] as unknown as { id: string }).id).toBe(notice.id);

    // What follows the scan comes too: the approval.
    await device.approve(asked.id, asked.number, testPin);
    const approved = await stream.waitFor((e) => isNotice(e) && e.data.kind === 'login_approved', 3000);
    expect(approved, 'the approval notice did not arrive').toBeDefined();
    expect(BigInt(approved!.id!)).toBeGreaterThan(BigInt(event!.id!));
    expect(stream.closed).toBe(false);
  });

  it('only notices of the device’s own citizen arrive', async () => {
    const [citizen, other] = [await newCitizen(server), await newCitizen(server)];
    const device = await enrolledDevice(server, citizen);
    const otherDevice = await enrolledDevice(server, other);
    const stream = await open(device);
    await scanSignIn(otherDevice);
    await scanSignIn(device);
    const event = await stream.waitFor(isNotice, 3000);
    await sleep(300);
    expect(noticesOf(stream)).toEqual([event]);
    expect(event!.data.kind).toBe('data_request');
  });

  it('resumes after Last-Event-ID, and a new stream starts with what comes after it opened', async () => {
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const first = await open(device);
    await scanSignIn(device);
    const a = await first.waitFor(isNotice, 3000);
    await scanSignIn(device);
    const b = await first.waitFor((e) => isNotice(e) && e.id !== a?.id, 3000);
    expect(a && b, 'both notices arrived on the first stream').toBeTruthy();
    first.close();

    const resumed = await open(device, { lastEventId: a!.id! });
    const next = await resumed.waitFor(isNotice, 3000);
    expect(next?.id).toBe(b!.id);
    expect(next?.data).toEqual(b!.data);
    await sleep(300);
    expect(noticesOf(resumed).map((e) => e.id)).toEqual([b!.id]);

    // Without Last-Event-ID nothing that came before is sent again; what comes next is.
    const fresh = await open(device);
    await sleep(300);
    expect(noticesOf(fresh)).toEqual([]);
    await scanSignIn(device);
    const c = await fresh.waitFor(isNotice, 3000);
    expect(BigInt(c!.id!)).toBeGreaterThan(BigInt(b!.id!));
    // The resumed stream, still open, got it as well.
    expect((await resumed.waitFor((e) => e.id === c!.id, 3000))?.data).toEqual(c!.data);

    const refused = await refusal(device.openNotificationStream({ lastEventId: 'yesterday' }));
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('the stream of a device replaced by a new enrolment closes, and is given nothing more', async () => {
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const stream = await open(device);

    const replacedAt = Date.now();
    const replacement = await enrolledDevice(server, citizen);
    await stream.ended;
    expect(Date.now() - replacedAt).toBeLessThan(2000);
    expect(stream.events.map((e) => e.event)).toEqual(['closed']);
    expect(stream.events[0]!.data).toMatchObject({ reason: 'device_revoked' });

    // The replacement's notice went to the citizen's inbox, and to the new phone only.
    expect((await replacement.notifications()).notifications[0]).toMatchObject({ kind: 'device_replaced' });
    expect(await refusal(device.openNotificationStream())).toMatchObject({ status: 401, code: 'device_revoked' });
    const live = await open(replacement);
    await scanSignIn(replacement);
    expect(await live.waitFor(isNotice, 3000)).toBeDefined();
  });

  it(`a device keeps at most ${MAX_STREAMS_PER_DEVICE} streams: opening more closes the oldest`, async () => {
    const citizen = await newCitizen(server);
    const device = await enrolledDevice(server, citizen);
    const opened: NotificationStream[] = [];
    for (let i = 0; i < 10; i++) opened.push(await open(device));

    const oldest = opened.slice(0, 10 - MAX_STREAMS_PER_DEVICE);
    await Promise.all(oldest.map((stream) => stream.ended));
    for (const stream of oldest) expect(stream.events.map((e) => [e.event, e.data.reason])).toEqual([['closed', 'stream_limit']]);
    const kept = opened.slice(10 - MAX_STREAMS_PER_DEVICE);
    expect(kept.map((stream) => stream.closed)).toEqual(kept.map(() => false));

    // The ones kept still deliver; another device's streams do not count against this one.
    const otherDevice = await enrolledDevice(server, await newCitizen(server));
    const other = await open(otherDevice);
    await scanSignIn(device);
    for (const stream of kept) expect(await stream.waitFor(isNotice, 3000)).toBeDefined();
    expect(other.closed).toBe(false);

    // A stream the device closes itself gives its place back: the next one closes none of the others.
    kept.at(-1)!.close();
    await sleep(300);
    const next = await open(device);
    await sleep(300);
    expect([...kept.slice(0, -1), next].map((stream) => stream.closed)).toEqual([false, false, false]);
  });

  it('refuses a request the device did not sign', async () => {
    const response = await fetch(`${server.url}/device/v1/notifications/stream`, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_signature' });
  });
});

describe.skipIf(!postgresServerUrl)('live notices across server processes on one PostgreSQL database', () => {
  it('a sign-in scanned on another process reaches the stream open on this one', async () => {
    const other = await startServerProcess({ databaseUrl: server.testDatabase.databaseUrl!, issuer: server.issuer });
    try {
      const citizen = await newCitizen(server);
      const device = await enrolledDevice(server, citizen);
      const stream = await open(device);
      const { VirtualDevice } = await import('../../src/devices/virtual-device.ts');
      // The same device, talking to the other process.
      const there = VirtualDevice.fromState({ ...device.state, issuer: other.url });
      const scannedAt = Date.now();
      await scanSignIn(there);
      const event = await stream.waitFor(isNotice, 3000);
      expect(event?.data.kind).toBe('data_request');
      expect(Date.now() - scannedAt).toBeLessThan(2000);
    } finally {
      await other.stop();
    }
  });
});
