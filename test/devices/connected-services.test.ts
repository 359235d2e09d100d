import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedServiceList, serviceWithdrawn } from '../../src/devices/schemas.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { refusal } from '../support/http.ts';
import { demo, discoverAsDemoClient, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
let demoConfig: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  demoConfig = await discoverAsDemoClient(server);
});
afterAll(() => server?.dispose());

/** A relying party of the calling test's own: another agency's system than the demo's. */
async function otherSystem() {
  const response = await request(server.url)
    .post('/admin/api/relying-parties')
    .set('authorization', `Bearer ${testAdminToken}`)
    .send({
      name: 'กรมทดสอบการยินยอม',
      nameEn: 'Department of Consent Tests',
      systemName: 'Consent test system',
      redirectUris: ['https://rp.example.test/callback'],
      scopes: ['pid', 'gender'],
    })
    .expect(201);
  const created = response.body as CreatedRelyingParty;
  const config = await oidc.discovery(new URL(server.issuer), created.clientId, created.clientSecret, oidc.ClientSecretBasic(created.clientSecret!), {
    execute: [oidc.allowInsecureRequests],
  });
  return { clientId: created.clientId, redirectUri: created.redirectUris[0]!, config };
}

const demoSystem = () => ({ clientId: demo.clientId, redirectUri: demo.redirectUris[0]!, config: demoConfig });

/** The citizen signs in to `system` with `phone`, approving `scope`: the relying party's tokens. */
async function signIn(phone: VirtualDevice, system: { redirectUri: string; config: oidc.Configuration }, scope: string) {
  const rp = await startRelyingPartyLogin(system.config, system.redirectUri, scope);
  const login = await openLoginPage(server, rp.url);
  await phone.approve((await phone.scan(login.appLink)).id, login.matchNumber, testPin);
  return rp.finish(await login.continueToRelyingParty());
}

const userinfo = (system: { config: oidc.Configuration }, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers) =>
  oidc.fetchUserInfo(system.config, tokens.access_token, tokens.claims()!.sub);

/** The phone's list, checked against what the device API's document declares. */
async function listedOn(phone: VirtualDevice) {
  const answer = await phone.connectedServices();
  expect(connectedServiceList.parse(answer), 'the list answers as its declaration says').toEqual(answer);
  return answer.services;
}

describe("the citizen's connected services", () => {
  it('lists each system the citizen signed in to, with its agency, the data items granted and when, newest first', async () => {
    const citizen = await newCitizen(server);
    const phone = await enrolledDevice(server, citizen);
    const other = await otherSystem();
    expect(await listedOn(phone)).toEqual([]);

    await signIn(phone, demoSystem(), 'openid pid');
    await signIn(phone, demoSystem(), 'openid name gender');
    await signIn(phone, other, 'openid gender');

    const services = await listedOn(phone);
    expect(services.map((s) => s.clientId)).toEqual([other.clientId, demo.clientId]);
    const [otherService, demoService] = services;
    expect(otherService).toMatchObject({
      agency: { th: 'กรมทดสอบการยินยอม', en: 'Department of Consent Tests' },
      system: 'Consent test system',
      active: true,
      dataItems: [{ scope: 'gender', th: 'เพศ', en: 'Gender' }],
      grants: 1,
    });
    expect(otherService!.firstGrantedAt).toBe(otherService!.lastGrantedAt);
    // Both sign-ins' items together, labelled as the scan labels them; openid, the sign-in itself, is none.
    expect(demoService).toMatchObject({
      agency: { th: demo.name, en: demo.nameEn },
      system: demo.systemName,
      active: true,
      grants: 2,
      dataItems: [
        { scope: 'pid', th: 'เลขประจำตัวประชาชน', en: 'Citizen ID number' },
        { scope: 'name', th: 'ชื่อ-นามสกุล (ภาษาไทย)', en: 'Full name (Thai)' },
        { scope: 'gender', th: 'เพศ', en: 'Gender' },
      ],
    });
    expect(Date.parse(demoService!.firstGrantedAt)).toBeLessThan(Date.parse(demoService!.lastGrantedAt));
    expect(Date.parse(demoService!.lastGrantedAt)).toBeLessThanOrEqual(Date.parse(otherService!.firstGrantedAt));

    // Another citizen sees only their own.
    const someoneElse = await enrolledDevice(server, await newCitizen(server));
    expect(await listedOn(someoneElse)).toEqual([]);
  });

  it('leaves out grants that have expired, and lists a suspended system with active false', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    const other = await otherSystem();
    await signIn(phone, demoSystem(), 'openid pid');
    await signIn(phone, other, 'openid pid');

    const systems = server.database.db.updateTable('agency_systems').where('client_id', '=', other.clientId);
    await systems.set({ status: 'suspended' }).execute();
    expect((await listedOn(phone)).find((s) => s.clientId === other.clientId)).toMatchObject({ active: false, system: 'Consent test system' });
    await systems.set({ status: 'active' }).execute();

    await server.database.db
      .updateTable('oidc_payloads')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('model', '=', 'Grant')
      .where('account_id', '=', phone.state.pid!)
      .where('client_id', '=', demo.clientId)
      .execute();
    expect((await listedOn(phone)).map((s) => s.clientId)).toEqual([other.clientId]);
    // An expired consent is not there to withdraw.
    expect(await refusal(phone.withdrawService(demo.clientId))).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('withdrawing consent from a system', () => {
  it("ends all its grants at once: the relying party's access and refresh tokens stop working, other systems' do not", async () => {
    const citizen = await newCitizen(server);
    const phone = await enrolledDevice(server, citizen);
    const other = await otherSystem();
    const first = await signIn(phone, demoSystem(), 'openid pid name');
    const second = await signIn(phone, demoSystem(), 'openid gender');
    const kept = await signIn(phone, other, 'openid pid');
    expect((await userinfo(demoSystem(), first)).pid).toBe(citizen.pid);

    const withdrawn = await phone.withdrawService(demo.clientId);
    expect(withdrawn).toEqual({ clientId: demo.clientId, withdrawn: true, grantsEnded: 2 });
    expect(serviceWithdrawn.parse(withdrawn)).toEqual(withdrawn);

    for (const tokens of [first, second]) {
      await expect(userinfo(demoSystem(), tokens)).rejects.toMatchObject({ status: 401 });
      await expect(oidc.refreshTokenGrant(demoConfig, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    }
    expect((await userinfo(other, kept)).pid).toBe(citizen.pid);
    expect((await oidc.refreshTokenGrant(other.config, kept.refresh_token!)).access_token).toBeTruthy();
    // Not merely refused for want of a grant: no grant, code or token of the citizen's for that system is kept.
    const stored = await server.database.db
      .selectFrom('oidc_payloads')
      .select('model')
      .where('account_id', '=', citizen.pid)
      .where('client_id', '=', demo.clientId)
      .execute();
    expect(stored).toEqual([]);

    expect((await listedOn(phone)).map((s) => s.clientId)).toEqual([other.clientId]);
    // Once: nothing is left to withdraw.
    expect(await refusal(phone.withdrawService(demo.clientId))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('ends a sign-in approved a moment before whose browser has not come back for its code: it gets access_denied', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    await signIn(phone, demoSystem(), 'openid pid');
    const rp = await startRelyingPartyLogin(demoConfig, demo.redirectUris[0]!, 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await phone.approve((await phone.scan(login.appLink)).id, login.matchNumber, testPin);

    await phone.withdrawService(demo.clientId);

    const callback = new URL(await login.continueToRelyingParty());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(await listedOn(phone)).toEqual([]);
  });

  it('ends a first sign-in with a system, approved but not yet carried on by the browser: nothing else to withdraw', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    const rp = await startRelyingPartyLogin(demoConfig, demo.redirectUris[0]!, 'openid pid');
    const login = await openLoginPage(server, rp.url);
    await phone.approve((await phone.scan(login.appLink)).id, login.matchNumber, testPin);

    expect(await phone.withdrawService(demo.clientId)).toEqual({ clientId: demo.clientId, withdrawn: true, grantsEnded: 1 });
    // The browser comes back later, after the maintenance has cleared what expired minutes ago.
    await server.database.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 301_000) }).where('model', '=', 'Grant').where('expires_at', '<=', new Date()).execute();
    await server.maintain();

    const callback = new URL(await login.continueToRelyingParty());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect((await phone.history()).entries[0]).toMatchObject({ event: 'consent_withdrawn', items: [{ scope: 'openid' }, { scope: 'pid' }] });
    // Once: nothing is left to withdraw.
    expect(await refusal(phone.withdrawService(demo.clientId))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it("is an event of the citizen's history, naming the system and the data items, never their values", async () => {
    const citizen = await newCitizen(server);
    const phone = await enrolledDevice(server, citizen);
    await signIn(phone, demoSystem(), 'openid name');
    await phone.withdrawService(demo.clientId);

    const [latest] = (await phone.history()).entries;
    expect(latest).toMatchObject({
      kind: 'event',
      event: 'consent_withdrawn',
      agency: { th: demo.name, en: demo.nameEn },
      system: { clientId: demo.clientId, name: demo.systemName },
      items: [{ scope: 'openid' }, { scope: 'name', th: 'ชื่อ-นามสกุล (ภาษาไทย)', en: 'Full name (Thai)' }],
    });
    const ledger = await server.database.db.selectFrom('ledger_entries').select('entry').orderBy('leaf_index', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(ledger.entry).toContain('consent_withdrawn');
    expect(ledger.entry).not.toContain(citizen.givenNameTh);
    expect(ledger.entry).not.toContain(citizen.familyNameTh);
  });

  it("is refused to another citizen's device, which leaves the grant and its tokens alone", async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    const tokens = await signIn(phone, demoSystem(), 'openid pid');
    const stranger = await enrolledDevice(server, await newCitizen(server));

    expect(await refusal(stranger.withdrawService(demo.clientId))).toMatchObject({ status: 404, code: 'not_found' });

    expect((await userinfo(demoSystem(), tokens)).pid).toBeTruthy();
    expect((await listedOn(phone)).map((s) => s.clientId)).toEqual([demo.clientId]);
  });

  it('answers 404 for a client id no system has, malformed ones included, never a 500', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    await signIn(phone, demoSystem(), 'openid pid');
    for (const clientId of ['no-such-system', '\u0000', 'ระบบ', ' ', 'x'.repeat(300), `${demo.clientId}\u0000`]) {
      const error = await refusal(phone.withdrawService(clientId));
      expect(error, JSON.stringify(clientId)).toMatchObject({ status: 404, code: 'not_found' });
      expect(error!.message.length, JSON.stringify(clientId)).toBeGreaterThan(20);
    }
    expect(await refusal(phone.withdrawService('\u0000'))).toMatchObject({ message: expect.stringContaining('client id') });
    // The real one is untouched.
    expect((await listedOn(phone)).map((s) => s.clientId)).toEqual([demo.clientId]);
  });
});

describe('the PIN attempts a device has left', () => {
  it('are 5, one fewer after a wrong PIN, and 5 again after a right one', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    expect((await phone.me()).pinAttemptsLeft).toBe(5);

    const rp = await startRelyingPartyLogin(demoConfig, demo.redirectUris[0]!, 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const { id } = await phone.scan(login.appLink);
    expect(await refusal(phone.approve(id, login.matchNumber, '99887766'))).toMatchObject({ code: 'pin_rejected' });
    expect((await phone.me()).pinAttemptsLeft).toBe(4);
    expect(await refusal(phone.approve(id, login.matchNumber, '99887766'))).toMatchObject({ code: 'pin_rejected' });
    expect((await phone.me()).pinAttemptsLeft).toBe(3);

    await phone.approve(id, login.matchNumber, testPin);
    expect((await phone.me()).pinAttemptsLeft).toBe(5);
  });

  it('are 0 on a locked device, and only its own', async () => {
    const phone = await enrolledDevice(server, await newCitizen(server));
    const bystander = await enrolledDevice(server, await newCitizen(server));
    const rp = await startRelyingPartyLogin(demoConfig, demo.redirectUris[0]!, 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const { id } = await phone.scan(login.appLink);
    for (let i = 0; i < 6; i++) await refusal(phone.approve(id, login.matchNumber, '99887766'));

    expect((await phone.me()).pinAttemptsLeft).toBe(0);
    expect((await bystander.me()).pinAttemptsLeft).toBe(5);
  });
});
