import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { decodeFace, encodeFace, FACE_MATCH_THRESHOLD, matchScore, registryFace, sampleOf, strangerFace } from '../../src/registry/faces.ts';
import { enrolledDevice, selfProof, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());
// Every test enrols from this one address; each starts with its count at nought.
beforeEach(() => server.database.db.deleteFrom('enrolment_failures').where('key', 'like', 'address:%').execute());

/** A stranger's face whose direction is a little like `face`'s: a positive dot product, far from a match. */
function strangerLeaningTowards(face: Float32Array): Float32Array {
  for (;;) {
    const stranger = strangerFace();
    if (stranger.reduce((sum, x, i) => sum + x * face[i]!, 0) > 0) return stranger;
  }
}

/** The registry's face of `pid`, as the admin API gives it. */
async function registryFaceOf(pid: string): Promise<Float32Array> {
  const response = await request(server.url).get(`/admin/api/citizens/${pid}/face`).set('authorization', `Bearer ${testAdminToken}`).expect(200);
  return decodeFace(response.body.template)!;
}

const activeDevices = (pid: string) =>
  server.database.db.selectFrom('devices').select('id').where('pid', '=', pid).where('status', '=', 'active').execute();

/** Moves the last failure of a citizen ID or an address, and its wait, `seconds` into the past. */
const lastFailedAgo = (key: string, seconds: number) => {
  const then = new Date(Date.now() - seconds * 1000);
  return server.database.db.updateTable('enrolment_failures').set({ last_failure_at: then, blocked_until: then }).where('key', '=', key).execute();
};

const HOUR = 3600;

/** Lets the back-off of a citizen ID or an address run out, as if its wait had passed. */
const waitPassed = (key: string) =>
  server.database.db.updateTable('enrolment_failures').set({ blocked_until: new Date(Date.now() - 1000) }).where('key', '=', key).execute();

describe('the face match of self-service enrolment', () => {
  it('scores a sample of the same face far above the pass mark, and someone else’s far below', () => {
    const key = Buffer.alloc(32, 7);
    const face = registryFace(key, '1103000123455');
    expect(matchScore(face, sampleOf(face))).toBeGreaterThanOrEqual(90);
    expect(matchScore(face, sampleOf(strangerFace()))).toBeLessThan(FACE_MATCH_THRESHOLD - 30);
    // Another installation's registry gives the same citizen another face: the code and an ID are not enough.
    expect(matchScore(face, registryFace(Buffer.alloc(32, 8), '1103000123455'))).toBeLessThan(FACE_MATCH_THRESHOLD - 30);
  });

  it('scores a sample by its direction alone: a stranger’s face scaled up scores no higher than it is', () => {
    const face = registryFace(Buffer.alloc(32, 7), '1103000123455');
    const stranger = strangerLeaningTowards(face);
    const scaled = Float32Array.from(stranger, (x) => x * 1e20);
    expect(matchScore(face, scaled)).toBe(matchScore(face, stranger));
    expect(matchScore(face, scaled)).toBeLessThan(FACE_MATCH_THRESHOLD);
    expect(matchScore(face, Float32Array.from(face, (x) => x * 1e6))).toBe(100);
  });

  it('refuses card data with a stranger’s face scaled up, whatever its length', async () => {
    const citizen = await newCitizen(server);
    const template = await registryFaceOf(citizen.pid);
    const impostor = await VirtualDevice.create(server.issuer);
    const faceSample = encodeFace(Float32Array.from(strangerLeaningTowards(template), (x) => x * 1e20));
    const error = await refusal(impostor.enrol({ proof: { ...(await selfProof(server, citizen)), faceSample }, pin: '52918374' }));
    expect(error).toMatchObject({ status: 403, code: 'face_not_matched' });
    expect(await activeDevices(citizen.pid)).toEqual([]);
  });

  it('refuses card data with someone else’s face, changes nothing, and tells the citizen’s phone', async () => {
    const citizen = await newCitizen(server);
    const realPhone = await enrolledDevice(server, citizen);
    const before = await activeDevices(citizen.pid);

    const impostor = await VirtualDevice.create(server.issuer);
    const error = await refusal(impostor.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }));
    expect(error).toMatchObject({ status: 403, code: 'face_not_matched' });

    expect(await activeDevices(citizen.pid)).toEqual(before);
    await realPhone.me(); // still signed in
    const inbox = (await realPhone.notifications()).notifications;
    expect(inbox[0]).toMatchObject({ kind: 'enrolment_failed' });
    expect(inbox[0]!.en).toContain('the face did not match the registry photo');
  });

  it('leaves each enrolment and each failed attempt in the citizen’s history, which a later phone shows', async () => {
    const citizen = await newCitizen(server);
    const firstPhone = await enrolledDevice(server, citizen);
    const impostor = await VirtualDevice.create(server.issuer);
    await refusal(impostor.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }));
    expect((await firstPhone.history()).entries.map((e) => e.kind === 'event' && e.event)).toEqual(['enrolment_failed', 'device_enrolled']);

    const nextPhone = await enrolledDevice(server, citizen);
    const history = (await nextPhone.history()).entries;
    expect(history.map((e) => e.kind === 'event' && e.event)).toEqual(['device_enrolled', 'enrolment_failed', 'device_enrolled']);
    expect(history[0]).toMatchObject({ agency: { en: 'Department of Provincial Administration' }, system: { name: 'ThaID' }, items: [] });
  });

  it('passes the citizen’s own face, with the score and the pass mark in the answer', async () => {
    const citizen = await newCitizen(server);
    const phone = await VirtualDevice.create(server.issuer);
    const enrolment = await phone.enrol({ proof: await selfProof(server, citizen), pin: testPin });
    expect(enrolment.faceMatch).toEqual({ score: expect.any(Number), threshold: FACE_MATCH_THRESHOLD });
    expect(enrolment.faceMatch!.score).toBeGreaterThanOrEqual(FACE_MATCH_THRESHOLD);
  });

  it('refuses a sample that is not a face vector as a bad request', async () => {
    const citizen = await newCitizen(server);
    const phone = await VirtualDevice.create(server.issuer);
    const proof = { ...(await selfProof(server, citizen)), faceSample: '_'.repeat(683) }; // all bits set: not numbers
    expect(await refusal(phone.enrol({ proof, pin: testPin }))).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('refuses a malformed sample alike with right or wrong card data, before any attempt counts or the phone is told', async () => {
    const citizen = await newCitizen(server);
    const realPhone = await enrolledDevice(server, citizen);
    const impostor = await VirtualDevice.create(server.issuer);
    const right = await selfProof(server, citizen);
    const malformed = [encodeFace(new Float32Array(128)), encodeFace(new Float32Array(128).fill(Number.NaN))];
    for (const faceSample of malformed) {
      const withRightCard = await refusal(impostor.enrol({ proof: { ...right, faceSample }, pin: '52918374' }));
      const withWrongCard = await refusal(impostor.enrol({ proof: { ...right, laserCode: 'AA0-0000000-00', faceSample }, pin: '52918374' }));
      expect(withRightCard).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(withWrongCard).toEqual(withRightCard);
    }
    expect((await realPhone.notifications()).notifications.map((n) => n.kind)).not.toContain('enrolment_failed');
    const counted = await server.database.db.selectFrom('enrolment_failures').select('key').where('key', 'like', `%${citizen.pid}%`).execute();
    expect(counted).toEqual([]);
  });

  it('is not needed at a registration office', async () => {
    const citizen = await newCitizen(server);
    const issued = await request(server.url).post('/admin/api/enrolment-codes').set('authorization', `Bearer ${testAdminToken}`).send({ pid: citizen.pid }).expect(201);
    const phone = await VirtualDevice.create(server.issuer);
    const enrolment = await phone.enrol({ proof: { method: 'office', enrolmentCode: issued.body.code }, pin: testPin });
    expect(enrolment).not.toHaveProperty('faceMatch');
  });
});

describe('failed self-service enrolments in a row', () => {
  it('make one citizen ID wait, then pause it for a day after the fifth; the real phone stays and is told each time', async () => {
    const citizen = await newCitizen(server);
    const realPhone = await enrolledDevice(server, citizen);
    const attacker = await VirtualDevice.create(server.issuer);
    const wrongLaserCode = { ...(await selfProof(server, citizen)), laserCode: 'AA0000000000' };
    const attempt = async () => refusal(attacker.enrol({ proof: wrongLaserCode, pin: '52918374' }));

    expect(await attempt()).toMatchObject({ status: 403, code: 'identity_not_verified' });
    expect(await attempt()).toMatchObject({ status: 403, code: 'identity_not_verified' });
    expect(await attempt()).toMatchObject({ status: 403, code: 'identity_not_verified' });
    // After the third: a minute's wait, with Retry-After.
    const waiting = await request(server.url)
      .post('/device/v1/enrolments')
      .set((await attacker.signedRequest('POST', '/enrolments', { pin: '52918374', integrity: 'intact', proof: wrongLaserCode }, 'enrolment')).init.headers)
      .send({ pin: '52918374', integrity: 'intact', proof: wrongLaserCode });
    expect(waiting.status).toBe(429);
    expect(waiting.body.error).toBe('enrolment_paused');
    expect(Number(waiting.headers['retry-after'])).toBeGreaterThan(30);
    expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(60);

    await waitPassed(`pid:${citizen.pid}`);
    expect(await attempt()).toMatchObject({ status: 403 });
    await waitPassed(`pid:${citizen.pid}`);
    // The fifth failure: even the right card data and face are refused for a day now.
    expect(await attempt()).toMatchObject({ status: 403 });
    const paused = await refusal(attacker.enrol({ proof: await selfProof(server, citizen), pin: '52918374' }));
    expect(paused).toMatchObject({ status: 429, code: 'enrolment_paused' });
    const row = await server.database.db.selectFrom('enrolment_failures').selectAll().where('key', '=', `pid:${citizen.pid}`).executeTakeFirstOrThrow();
    expect(row.blocked_until!.getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    // The real phone was never replaced, and heard of every attempt with its card data.
    await realPhone.me();
    const warnings = (await realPhone.notifications()).notifications.filter((n) => n.kind === 'enrolment_failed');
    expect(warnings).toHaveLength(5);
  });

  it('never judge more than five of many simultaneous attempts', async () => {
    const citizen = await newCitizen(server);
    const attackers = await Promise.all(Array.from({ length: 12 }, () => VirtualDevice.create(server.issuer)));
    const proof = { ...(await selfProof(server, citizen)), birthdate: '1900-01-01' };
    const results = await Promise.all(attackers.map((a) => refusal(a.enrol({ proof, pin: '52918374' }))));
    const judged = results.filter((r) => r?.status === 403);
    expect(judged.length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r?.status !== 403)).toEqual(results.filter((r) => r?.status !== 403).map(() => expect.objectContaining({ status: 429 })));
  });

  it('are forgotten after a success', async () => {
    const citizen = await newCitizen(server);
    const phone = await VirtualDevice.create(server.issuer);
    await refusal(phone.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: testPin }));
    await refusal(phone.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: testPin }));
    await phone.enrol({ proof: await selfProof(server, citizen), pin: testPin });
    const row = await server.database.db.selectFrom('enrolment_failures').selectAll().where('key', '=', `pid:${citizen.pid}`).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('are forgotten after the citizen enrols at a registration office', async () => {
    const citizen = await newCitizen(server);
    const attacker = await VirtualDevice.create(server.issuer);
    await refusal(attacker.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }));
    await refusal(attacker.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }));
    const issued = await request(server.url).post('/admin/api/enrolment-codes').set('authorization', `Bearer ${testAdminToken}`).send({ pid: citizen.pid }).expect(201);
    await (await VirtualDevice.create(server.issuer)).enrol({ proof: { method: 'office', enrolmentCode: issued.body.code }, pin: testPin });
    const row = await server.database.db.selectFrom('enrolment_failures').selectAll().where('key', '=', `pid:${citizen.pid}`).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('of one citizen ID are forgotten once a day has passed since the last', async () => {
    const citizen = await newCitizen(server);
    const attacker = await VirtualDevice.create(server.issuer);
    for (let i = 0; i < 4; i++) {
      expect(await refusal(attacker.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }))).toMatchObject({ status: 403 });
      await waitPassed(`pid:${citizen.pid}`);
    }
    await lastFailedAgo(`pid:${citizen.pid}`, 24 * HOUR + 60);
    // A fifth failure, but not in a row with the others: the first of a new row, which waits for nothing.
    expect(await refusal(attacker.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }))).toMatchObject({ status: 403 });
    await enrolledDevice(server, citizen);
  });

  it('of one citizen ID pause it again at the first failure after a pause', async () => {
    const citizen = await newCitizen(server);
    const attacker = await VirtualDevice.create(server.issuer);
    const fail = async () => expect(await refusal(attacker.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }))).toMatchObject({ status: 403 });
    for (let i = 0; i < 5; i++) {
      await fail();
      if (i < 4) await waitPassed(`pid:${citizen.pid}`);
    }
    // The day's pause has just ended.
    await server.database.db
      .updateTable('enrolment_failures')
      .set({ last_failure_at: new Date(Date.now() - 24 * HOUR * 1000 - 1000), blocked_until: new Date(Date.now() - 1000) })
      .where('key', '=', `pid:${citizen.pid}`)
      .execute();
    await fail();
    expect(await refusal(attacker.enrol({ proof: await selfProof(server, citizen, 'fail'), pin: '52918374' }))).toMatchObject({ status: 429, code: 'enrolment_paused' });
  });

  it('from one address are forgotten after a success from it', async () => {
    const attacker = await VirtualDevice.create(server.issuer);
    const failOnce = async () => {
      const victim = await newCitizen(server);
      expect(await refusal(attacker.enrol({ proof: await selfProof(server, victim, 'fail'), pin: '52918374' }))).toMatchObject({ status: 403 });
    };
    for (let i = 0; i < 9; i++) await failOnce();
    await enrolledDevice(server, await newCitizen(server));
    await failOnce();
    // Nine failures, a success, then one: not ten in a row, so a genuine citizen here enrols.
    await enrolledDevice(server, await newCitizen(server));
  });

  it('from one address are forgotten once an hour has passed since the last', async () => {
    const attacker = await VirtualDevice.create(server.issuer);
    const failOnce = async () => {
      const victim = await newCitizen(server);
      expect(await refusal(attacker.enrol({ proof: await selfProof(server, victim, 'fail'), pin: '52918374' }))).toMatchObject({ status: 403 });
    };
    for (let i = 0; i < 9; i++) await failOnce();
    await lastFailedAgo('address:127.0.0.1', HOUR + 60);
    await failOnce();
    await enrolledDevice(server, await newCitizen(server));
  });

  it('from addresses of one IPv6 /64 pause that whole network for an hour after ten, and not another network', async () => {
    const behindProxy = await startTestServer({ env: { TRUST_PROXY: 'true' } });
    try {
      const enrolFrom = async (address: string, proof: Awaited<ReturnType<typeof selfProof>>) => {
        const device = await VirtualDevice.create(behindProxy.issuer);
        const body = { name: 'Phone', pin: '52918374', integrity: 'intact', proof };
        const { url, init } = await device.signedRequest('POST', '/enrolments', body, 'enrolment');
        const response = await fetch(url, { ...init, headers: { ...init.headers, 'x-forwarded-for': address } });
        return { status: response.status, error: ((await response.json()) as { error?: string }).error };
      };
      for (let i = 1; i <= 10; i++) {
        const victim = await newCitizen(behindProxy);
        expect(await enrolFrom(`2001:db8:1:2::${i}`, await selfProof(behindProxy, victim, 'fail'))).toMatchObject({ status: 403 });
      }
      const genuine = await newCitizen(behindProxy);
      expect(await enrolFrom('2001:db8:1:2:ffff::1', await selfProof(behindProxy, genuine))).toEqual({ status: 429, error: 'enrolment_paused' });
      expect(await enrolFrom('2001:db8:1:3::1', await selfProof(behindProxy, genuine))).toMatchObject({ status: 201 });
    } finally {
      await behindProxy.dispose();
    }
  });

  it('from one address across many citizen IDs pause that address for an hour after ten', async () => {
    const attacker = await VirtualDevice.create(server.issuer);
    for (let i = 0; i < 10; i++) {
      const victim = await newCitizen(server);
      expect(await refusal(attacker.enrol({ proof: await selfProof(server, victim, 'fail'), pin: '52918374' }))).toMatchObject({ status: 403 });
    }
    const next = await newCitizen(server);
    const error = await refusal(attacker.enrol({ proof: await selfProof(server, next), pin: '52918374' }));
    expect(error).toMatchObject({ status: 429, code: 'enrolment_paused' });
    expect(await activeDevices(next.pid)).toEqual([]);
  });
});
