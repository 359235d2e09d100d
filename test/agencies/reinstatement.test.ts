import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAgencyStatus, setSystemStatus } from '../../src/agencies/queries.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let device: VirtualDevice;
const citizen = demoPersonas[2]!;
const redirectUri = 'https://rp.example.test/callback';
beforeAll(async () => {
  server = await startTestServer();
  device = await enrolledDevice(server, citizen);
});
afterAll(() => server?.dispose());

/** A sign-in approved on the device: the code the relying party gets back. */
async function codeFor(rp: CreatedRelyingParty): Promise<string> {
  const query = new URLSearchParams({ response_type: 'code', client_id: rp.clientId, redirect_uri: redirectUri, scope: 'openid pid', state: 'st' });
  const login = await openLoginPage(server, new URL(`${server.issuer}/api/v2/oauth2/auth/?${query}`));
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  const code = new URL(await login.continueToRelyingParty()).searchParams.get('code');
  if (!code) throw new Error('no code');
  return code;
}

const token = (rp: CreatedRelyingParty, form: Record<string, string>) =>
  request(server.url).post('/api/v2/oauth2/token/').auth(rp.clientId, rp.clientSecret!).type('form').send(form);
const redeem = (rp: CreatedRelyingParty, code: string) => token(rp, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
const refresh = (rp: CreatedRelyingParty, refreshToken: string) => token(rp, { grant_type: 'refresh_token', refresh_token: refreshToken });
const userinfo = (accessToken: string) => request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${accessToken}`);
const introspect = async (rp: CreatedRelyingParty, value: string) =>
  (await request(server.url).post('/api/v2/oauth2/introspect/').auth(rp.clientId, rp.clientSecret!).type('form').send({ token: value }).expect(200)).body as { active: boolean };

async function tokensFor(rp: CreatedRelyingParty) {
  return (await redeem(rp, await codeFor(rp)).expect(200)).body as { access_token: string; refresh_token: string };
}

describe.each([
  ['a system', (rp: CreatedRelyingParty, status: 'active' | 'suspended') => setSystemStatus(server.database.db, rp.clientId, status)],
  ['an agency', (rp: CreatedRelyingParty, status: 'active' | 'suspended') => setAgencyStatus(server.database.db, rp.agencyId, status)],
])('%s suspended and then reinstated', (_, setStatus) => {
  it('does not revive the tokens and codes issued before; a fresh sign-in works', async () => {
    const rp = await createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid'] });
    const before = await tokensFor(rp);
    const unredeemedCode = await codeFor(rp);
    expect((await userinfo(before.access_token).expect(200)).body.pid).toBe(citizen.pid);
    expect((await introspect(rp, before.access_token)).active).toBe(true);

    expect(await setStatus(rp, 'suspended')).toBe(true);
    expect(await setStatus(rp, 'active')).toBe(true);

    expect((await userinfo(before.access_token).expect(401)).body.error).toBe('invalid_token');
    expect((await introspect(rp, before.access_token)).active).toBe(false);
    expect((await introspect(rp, before.refresh_token)).active).toBe(false);
    expect((await refresh(rp, before.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    expect((await redeem(rp, unredeemedCode).expect(400)).body.error).toBe('invalid_grant');

    const after = await tokensFor(rp);
    expect((await userinfo(after.access_token).expect(200)).body.pid).toBe(citizen.pid);
    expect((await introspect(rp, after.access_token)).active).toBe(true);
    const refreshed = (await refresh(rp, after.refresh_token).expect(200)).body as { access_token: string };
    expect((await userinfo(refreshed.access_token).expect(200)).body.pid).toBe(citizen.pid);
  });
});

describe('cancellation', () => {
  it('is final: a cancelled system or agency cannot be made active again', async () => {
    const rp = await createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid'] });
    await setSystemStatus(server.database.db, rp.clientId, 'cancelled');
    await expect(setSystemStatus(server.database.db, rp.clientId, 'active')).rejects.toThrow(/cancellation is final/);
    await expect(setSystemStatus(server.database.db, rp.clientId, 'suspended')).rejects.toThrow(/cancellation is final/);
    // Nor by writing the table directly.
    await expect(
      server.database.db.updateTable('agency_systems').set({ status: 'active' }).where('client_id', '=', rp.clientId).execute(),
    ).rejects.toThrow(/cancellation is final/);

    const other = await createRelyingParty(server, { redirectUris: [redirectUri], scopes: ['pid'] });
    await setAgencyStatus(server.database.db, other.agencyId, 'cancelled');
    await expect(setAgencyStatus(server.database.db, other.agencyId, 'active')).rejects.toThrow(/cancellation is final/);
    expect(await setSystemStatus(server.database.db, 'no-such-client', 'active')).toBe(false);
  });
});
