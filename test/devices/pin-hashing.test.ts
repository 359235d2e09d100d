import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinChecksSoFar, withHashingSlot } from '../../src/devices/pin-hash.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  // The limits as installed: most of a flood at one device is refused before it costs anything.
  server = await startTestServer({ env: { RATE_LIMIT_FACTOR: '1' } });
});
afterAll(() => server?.dispose());

/** A sign-in scanned by `device`, waiting for its PIN, with the number its screen shows. */
async function scannedBy(device: VirtualDevice) {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
  const login = await openLoginPage(server, rp.url);
  return { ...(await device.scan(login.appLink)), number: login.matchNumber };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

const failedAttemptsOf = async (device: VirtualDevice) =>
  (await server.database.db.selectFrom('devices').select('failed_pin_attempts').where('id', '=', device.requireDeviceId()).executeTakeFirstOrThrow())
    .failed_pin_attempts;

describe('PIN hashing under a flood of guesses', () => {
  /**
   * How long `citizen` takes to approve a sign-in while 100 requests of `flood` arrive at once. A hundred
   * requests at once delay any other on this machine, whatever they ask (the same process signs and sends them
   * too), so a flood of requests that check no PIN is the measure the PIN guesses are held to.
   */
  async function approvalDuring(citizen: VirtualDevice, flood: (i: number) => Promise<unknown>) {
    const waiting = await scannedBy(citizen);
    const answers = Promise.all(Array.from({ length: 100 }, (_, i) => refusal(flood(i))));
    const during = await timed(() => citizen.approve(waiting.id, waiting.number, testPin));
    expect(during.result.status).toBe('approved');
    return { ms: during.ms, answers: await answers };
  }

  it('checks at most 5 of 100 simultaneous wrong PINs at one device, and delays another device by under 200 ms', async () => {
    const citizen = await enrolledDevice(server, await newCitizen(server));
    // The best of three rounds, each at a device of its own: other test files share this machine's two CPUs.
    const delays: number[] = [];
    for (let round = 0; round < 3; round++) {
      const target = await enrolledDevice(server, await newCitizen(server));
      const guessedAt = await scannedBy(target);
      const control = await approvalDuring(citizen, () => target.me());

      const checksBefore = pinChecksSoFar();
      const guesses = await approvalDuring(citizen, (i) => target.approve(guessedAt.id, guessedAt.number, String(10_000_000 + i)));

      // The other device's own approval is the one check besides the guesses.
      expect(pinChecksSoFar() - checksBefore).toBeLessThanOrEqual(5 + 1);
      expect(guesses.answers.every((g) => g?.code === 'pin_rejected' || g?.code === 'too_many_requests')).toBe(true);
      expect(guesses.answers.filter((g) => g?.code === 'pin_rejected').length).toBeGreaterThanOrEqual(5);
      delays.push(guesses.ms - control.ms);
    }
    expect(Math.min(...delays)).toBeLessThan(200);
  });

  it('answers 503 with Retry-After when every hashing slot is taken, and spends no PIN attempt', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const login = await scannedBy(device);
    let releaseAll = () => {};
    const released = new Promise<void>((resolve) => (releaseAll = resolve));
    // Slots are the process's, and the test server runs in this one: more holders than slots take them all.
    let refused = 0;
    const holders = Array.from({ length: 20 }, () => withHashingSlot(() => released).catch(() => void refused++));
    await new Promise((resolve) => setImmediate(resolve));
    expect(refused).toBeGreaterThan(0);
    const busy = await refusal(device.approve(login.id, login.number, testPin));
    releaseAll();
    await Promise.all(holders);
    expect(busy).toMatchObject({ status: 503, code: 'temporarily_unavailable', retryAfterSeconds: 1 });
    expect(await failedAttemptsOf(device)).toBe(0);
    expect((await device.approve(login.id, login.number, testPin)).status).toBe('approved');
  });
});
