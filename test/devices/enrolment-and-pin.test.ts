import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { newCitizen as newCitizenOf } from '../support/citizens.ts';
import { enrolledDevice, openLoginPage, selfProof, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { refusal } from '../support/http.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const newCitizen = () => newCitizenOf(server);

async function scannedLogin(device: VirtualDevice) {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
  const login = await openLoginPage(server, rp.url);
  const scanned = await device.scan(login.appLink);
  return { rp, login, scanned, number: login.matchNumber };
}

describe('self-service enrolment', () => {
  it('checks the citizen ID, laser code and date of birth against the registry, all with one answer', async () => {
    const citizen = await newCitizen();
    const device = await VirtualDevice.create(server.issuer);
    const tries = [
      { ...citizen, laserCode: 'AA0000000000' },
      { ...citizen, birthdate: '1900-01-01' },
    ];
    for (const wrong of tries) {
      const error = await refusal(device.enrol({ proof: { ...(await selfProof(server, citizen)), laserCode: wrong.laserCode, birthdate: wrong.birthdate }, pin: testPin }));
      expect(error).toMatchObject({ status: 403, code: 'identity_not_verified' });
    }
    const enrolment = await device.enrol({ proof: await selfProof(server, citizen), pin: testPin });
    expect(enrolment.pid).toBe(citizen.pid);
  });

  it('refuses a weak PIN with the reason', async () => {
    const citizen = await newCitizen();
    const device = await VirtualDevice.create(server.issuer);
    const error = await refusal(device.enrol({ proof: await selfProof(server, citizen), pin: '12345678' }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error?.message).toContain('run of digits');
  });

  it('judges the PIN before the identity, so a refused PIN does not tell whether card details are real', async () => {
    const citizen = await newCitizen();
    const device = await VirtualDevice.create(server.issuer);
    const real = await selfProof(server, citizen);
    const invented = { ...real, laserCode: 'AA0000000000' };
    const answers = await Promise.all([real, invented].map((proof) => refusal(device.enrol({ proof, pin: '11111111' }))));
    expect(answers.map((a) => [a?.status, a?.code, a?.message])).toEqual([
      [400, 'invalid_request', answers[0]?.message],
      [400, 'invalid_request', answers[0]?.message],
    ]);
  });

  it('refuses a device name with control characters', async () => {
    const citizen = await newCitizen();
    const device = await VirtualDevice.create(server.issuer, 'phone\u0000');
    const error = await refusal(device.enrol({ proof: await selfProof(server, citizen), pin: testPin }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('refuses a rooted or jailbroken phone', async () => {
    const citizen = await newCitizen();
    for (const integrity of ['rooted', 'jailbroken'] as const) {
      const device = await VirtualDevice.create(server.issuer);
      const error = await refusal(device.enrol({ proof: await selfProof(server, citizen), pin: testPin, integrity }));
      expect(error).toMatchObject({ status: 403, code: 'device_integrity_failed' });
    }
  });
});

describe('enrolment at a registration office', () => {
  it('works once with the code an officer issued, and not again', async () => {
    const citizen = await newCitizen();
    const issued = await request(server.url)
      .post('/admin/api/enrolment-codes')
      .set('authorization', `Bearer ${testAdminToken}`)
      .send({ pid: citizen.pid })
      .expect(201);
    const code: string = issued.body.code;
    const device = await VirtualDevice.create(server.issuer);
    expect((await device.enrol({ proof: { method: 'office', enrolmentCode: code }, pin: testPin })).pid).toBe(citizen.pid);
    const second = await VirtualDevice.create(server.issuer);
    const error = await refusal(second.enrol({ proof: { method: 'office', enrolmentCode: code }, pin: testPin }));
    expect(error).toMatchObject({ status: 403, code: 'invalid_enrolment_code' });
  });
});

describe('one active device per citizen', () => {
  it('a new enrolment revokes the old device mid-login: its approval fails, the browser sees it cancelled, the new device is told', async () => {
    const citizen = await newCitizen();
    const oldPhone = await enrolledDevice(server, citizen);
    const { login, scanned, number } = await scannedLogin(oldPhone);

    const newPhone = await enrolledDevice(server, citizen);

    const error = await refusal(oldPhone.approve(scanned.id, number, testPin));
    expect(error).toMatchObject({ status: 401, code: 'device_revoked' });
    const status = await login.browser.get(`${login.loginPath}/status`).expect(200);
    expect(status.body.status).toBe('cancelled');
    const inbox = await newPhone.notifications();
    expect(inbox.notifications.map((n) => n.kind)).toContain('device_replaced');
    expect(inbox.notifications.find((n) => n.kind === 'device_replaced')?.details).toMatchObject({ previousDevice: oldPhone.state.name });
  });
});

describe('the citizen’s inbox', () => {
  it('belongs to the citizen: a newly enrolled phone shows the notices the old phone had, and the old phone reads none', async () => {
    const citizen = await newCitizen();
    const oldPhone = await enrolledDevice(server, citizen);
    const { scanned } = await scannedLogin(oldPhone);
    const before = (await oldPhone.notifications()).notifications.filter((n) => n.kind === 'data_request');
    expect(before.map((n) => n.details.loginId)).toContain(scanned.id);

    const newPhone = await enrolledDevice(server, citizen);
    const inbox = (await newPhone.notifications()).notifications;
    expect(inbox.filter((n) => n.kind === 'data_request').map((n) => n.details.loginId)).toEqual(before.map((n) => n.details.loginId));
    expect(await refusal(oldPhone.notifications())).toMatchObject({ status: 401, code: 'device_revoked' });
  });

  it('holds only the citizen’s own notices', async () => {
    const [first, second] = [await newCitizen(), await newCitizen()];
    const firstPhone = await enrolledDevice(server, first);
    await scannedLogin(firstPhone);
    const secondPhone = await enrolledDevice(server, second);
    expect((await secondPhone.notifications()).notifications.filter((n) => n.kind === 'data_request')).toEqual([]);
  });
});

describe('enrolments of one citizen at the same moment', () => {
  it('leave exactly one active device, and every request gets an answer, not a server error', async () => {
    const citizen = await newCitizen();
    const devices = await Promise.all(Array.from({ length: 4 }, () => VirtualDevice.create(server.issuer)));
    const proofs = await Promise.all(devices.map(() => selfProof(server, citizen)));
    const results = await Promise.all(devices.map((d, i) => refusal(d.enrol({ proof: proofs[i]!, pin: testPin }))));
    // Attempts are counted as they start, so the third and later of one citizen ID at once may be told to wait.
    expect(results.filter((r) => r === undefined).length).toBeGreaterThanOrEqual(1);
    expect(results.filter((r) => r !== undefined)).toEqual(results.filter((r) => r !== undefined).map(() => expect.objectContaining({ status: 429, code: 'enrolment_paused' })));
    const active = await server.database.db.selectFrom('devices').select('id').where('pid', '=', citizen.pid).where('status', '=', 'active').execute();
    expect(active).toHaveLength(1);
  });
});

describe('the PIN', () => {
  it('locks the device after 5 wrong PINs in a row; a sixth, correct PIN is refused the same way', async () => {
    const device = await enrolledDevice(server, await newCitizen());
    const { scanned, number } = await scannedLogin(device);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await refusal(device.approve(scanned.id, number, '99887766')));
    const sixth = await refusal(device.approve(scanned.id, number, testPin));
    for (const answer of [...answers, sixth]) expect(answer).toMatchObject({ status: 403, code: 'pin_rejected' });
    expect(sixth?.message).toBe(answers[0]?.message);
  });

  it('once locked, cannot take another sign-in, whose code stays free for a device that can answer', async () => {
    const locked = await enrolledDevice(server, await newCitizen());
    const { scanned, number } = await scannedLogin(locked);
    for (let i = 0; i < 5; i++) await refusal(locked.approve(scanned.id, number, '99887766'));
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    expect(await refusal(locked.scan(login.appLink))).toMatchObject({ status: 403, code: 'device_locked' });
    expect((await login.browser.get(`${login.loginPath}/status`)).body.status).toBe('pending');
    const other = await enrolledDevice(server, await newCitizen());
    await other.approve((await other.scan(login.appLink)).id, login.matchNumber, testPin);
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBe(other.state.pid);
  });

  it('never checks more than 5 of 20 simultaneous wrong guesses', async () => {
    const device = await enrolledDevice(server, await newCitizen());
    const { scanned, number } = await scannedLogin(device);
    const guesses = Array.from({ length: 20 }, (_, i) => refusal(device.approve(scanned.id, number, String(90_000_000 + i))));
    expect((await Promise.all(guesses)).every((e) => e?.code === 'pin_rejected')).toBe(true);
    const row = await server.database.db.selectFrom('devices').select('failed_pin_attempts').where('id', '=', device.requireDeviceId()).executeTakeFirstOrThrow();
    // 1 to 5 are the attempts that were checked; the counter stops at 6, where every other guess was refused.
    expect(row.failed_pin_attempts).toBe(6);
    expect(await refusal(device.approve(scanned.id, number, testPin))).toMatchObject({ code: 'pin_rejected' });
  });

  it('a wrong PIN releases nothing and a right one afterwards still approves', async () => {
    const device = await enrolledDevice(server, await newCitizen());
    const { rp, login, scanned, number } = await scannedLogin(device);
    expect(await refusal(device.approve(scanned.id, number, '99887766'))).toMatchObject({ code: 'pin_rejected' });
    expect((await login.browser.get(`${login.loginPath}/status`)).body.status).toBe('scanned');
    await device.approve(scanned.id, number, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBeDefined();
  });

  it('can be changed with the current PIN, and not without it', async () => {
    const device = await enrolledDevice(server, await newCitizen());
    expect(await refusal(device.changePin('11112222', '52049183'))).toMatchObject({ code: 'pin_rejected' });
    expect(await refusal(device.changePin(testPin, '11111111'))).toMatchObject({ code: 'invalid_request' });
    expect(await refusal(device.changePin(testPin, testPin))).toMatchObject({ status: 400, code: 'invalid_request', message: 'The new PIN is the same as the current one: choose a different PIN.' });
    await device.changePin(testPin, '52049183');
    const { scanned, number } = await scannedLogin(device);
    expect(await refusal(device.approve(scanned.id, number, testPin))).toMatchObject({ code: 'pin_rejected' });
    await device.approve(scanned.id, number, '52049183');
  });

  it('approval is refused on a phone that reports itself rooted', async () => {
    const device = await enrolledDevice(server, await newCitizen());
    const { scanned, number } = await scannedLogin(device);
    expect(await refusal(device.approve(scanned.id, number, testPin, 'rooted'))).toMatchObject({ status: 403, code: 'device_integrity_failed' });
  });
});
