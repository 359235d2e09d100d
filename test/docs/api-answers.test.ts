import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodType } from 'zod';
import { adminApi } from '../../src/admin/admin-api.ts';
import { deviceApi } from '../../src/devices/device-api.ts';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import type { Api } from '../../src/http/api-routes.ts';
import { openLoginPage, selfProof, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
// Imports every router, which declares the routes.
import '../../src/api-documents.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

/** The schema an API's document gives for one answer of one route, such as 'POST /device/v1/pin', 200. */
function declaredBody(api: Api, route: string, status: number): ZodType {
  const [method, path] = route.split(' ');
  const definition = api.registry.definitions.find(
    (d) => d.type === 'route' && d.route.method === method?.toLowerCase() && d.route.path === path,
  );
  const answer = definition?.type === 'route' ? definition.route.responses[status] : undefined;
  const media = answer && 'content' in answer ? answer.content?.['application/json'] : undefined;
  const schema = media && 'schema' in media ? media.schema : undefined;
  if (!(schema instanceof ZodType)) throw new Error(`${route} declares no JSON answer for ${status}`);
  return schema;
}

/** An answer is what the document says: its schema parses it, and leaves out nothing it has (parsing drops undeclared fields). */
function expectAsDeclared(api: Api, route: string, status: number, body: unknown) {
  expect(declaredBody(api, route, status).parse(body), `${route} answered ${status} otherwise than its declaration says`).toEqual(body);
}

async function scannedLogin(device: VirtualDevice) {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid name');
  const login = await openLoginPage(server, rp.url);
  return { shown: await device.scan(login.appLink), number: login.matchNumber };
}

describe('the APIs answer as their documents say', () => {
  it('the device API, from enrolment to an answered sign-in', async () => {
    const citizen = await newCitizen(server);
    const proof = await selfProof(server, citizen);
    const first = await VirtualDevice.create(server.issuer);
    expectAsDeclared(deviceApi, 'POST /device/v1/enrolments', 201, await first.enrol({ proof, pin: testPin }));
    const device = await VirtualDevice.create(server.issuer);
    const replacing = await device.enrol({ proof, pin: testPin });
    expect(replacing.replacedDeviceId).toBe(first.deviceId);
    expectAsDeclared(deviceApi, 'POST /device/v1/enrolments', 201, replacing);

    expectAsDeclared(deviceApi, 'GET /device/v1/me', 200, await device.me());
    expectAsDeclared(deviceApi, 'POST /device/v1/pin', 200, await device.changePin(testPin, '52918374'));

    const { shown: asked, number } = await scannedLogin(device);
    expectAsDeclared(deviceApi, 'POST /device/v1/logins/scan', 200, asked);
    expectAsDeclared(deviceApi, 'POST /device/v1/logins/{id}/approve', 200, await device.approve(asked.id, number, '52918374'));
    const { shown: refused } = await scannedLogin(device);
    expectAsDeclared(deviceApi, 'POST /device/v1/logins/{id}/deny', 200, await device.deny(refused.id));

    const inbox = await device.notifications();
    expect(new Set(inbox.notifications.map((n) => n.kind))).toEqual(new Set(['device_replaced', 'data_request', 'login_approved']));
    expectAsDeclared(deviceApi, 'GET /device/v1/notifications', 200, inbox);

    const { url, init } = await first.signedRequest('GET', '/me', undefined);
    const revoked = await fetch(url, init);
    expectAsDeclared(deviceApi, 'GET /device/v1/me', revoked.status, await revoked.json());
  });

  it('the admin API, for each thing the CLI asks', async () => {
    const admin = (method: 'get' | 'post', path: string) =>
      request(server.url)[method](`/admin/api${path}`).set('authorization', `Bearer ${testAdminToken}`);
    const citizen = await newCitizen(server);
    const answers: [string, request.Response][] = [
      [
        'POST /admin/api/relying-parties',
        await admin('post', '/relying-parties').send({ name: 'หน่วยงาน', redirectUris: ['http://localhost:8080/cb'], scopes: ['pid'] }),
      ],
      ['POST /admin/api/relying-parties', await admin('post', '/relying-parties').send({ name: '', redirectUris: [], scopes: [] })],
      ['GET /admin/api/citizens', await admin('get', '/citizens?limit=2')],
      ['GET /admin/api/citizens/{pid}', await admin('get', `/citizens/${citizen.pid}`)],
      ['GET /admin/api/citizens/{pid}', await admin('get', '/citizens/1234567890123')],
      ['POST /admin/api/enrolment-codes', await admin('post', '/enrolment-codes').send({ pid: citizen.pid })],
      ['POST /admin/api/signing-keys/rotate', await admin('post', '/signing-keys/rotate')],
      ['GET /admin/api/citizens', await request(server.url).get('/admin/api/citizens')],
    ];
    for (const [route, response] of answers) expectAsDeclared(adminApi, route, response.status, response.body);
    expect(answers.map(([, response]) => response.status)).toEqual([201, 400, 200, 200, 400, 201, 200, 401]);
  });
});
