import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAddressTh } from '../../src/registry/addresses.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * What the token endpoint, userinfo and introspection release for an authorization code. The code is issued
 * here through the provider's own models, as the citizen's approval on a ThaID device will issue it; the
 * citizen login itself is not part of these tests.
 */
let server: TestServer;
const citizen = demoPersonas[1]!;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

async function issueCode(rp: CreatedRelyingParty, scope: string): Promise<string> {
  const { provider } = server.providers;
  const client = await provider.Client.find(rp.clientId);
  const grant = new provider.Grant({ accountId: citizen.pid, clientId: rp.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const code = new provider.AuthorizationCode({
    accountId: citizen.pid,
    client: client!,
    grantId,
    scope,
    redirectUri: rp.redirectUris[0]!,
    authTime: Math.floor(Date.now() / 1000),
    nonce: 'nonce-1',
    gty: 'authorization_code',
  });
  return code.save();
}

async function clientFor(rp: CreatedRelyingParty) {
  return oidc.discovery(new URL(server.issuer), rp.clientId, rp.clientSecret, oidc.ClientSecretBasic(rp.clientSecret!), {
    execute: [oidc.allowInsecureRequests],
  });
}

async function redeem(rp: CreatedRelyingParty, scope: string) {
  const config = await clientFor(rp);
  const code = await issueCode(rp, scope);
  const callback = new URL(`${rp.redirectUris[0]}?${new URLSearchParams({ code, state: 's', iss: server.issuer })}`);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedState: 's', expectedNonce: 'nonce-1' });
  return { config, tokens };
}

const allScopes =
  'openid pid title title_en given_name family_name given_name_en family_name_en name name_en birthdate gender address smartcard_code date_of_issuance date_of_expiry ial';

describe('claims released for a granted code', () => {
  let rp: CreatedRelyingParty;
  beforeAll(async () => {
    rp = await createRelyingParty(server, { scopes: allScopes.split(' ') });
  });

  it('appear in the ID token, at userinfo and at the top level of the token response, in the profile formats', async () => {
    const { config, tokens } = await redeem(rp, allScopes);
    const expected = {
      pid: citizen.pid,
      title: citizen.titleTh,
      title_en: citizen.titleEn,
      given_name: citizen.givenNameTh,
      family_name: citizen.familyNameTh,
      given_name_en: citizen.givenNameEn,
      family_name_en: citizen.familyNameEn,
      name: `${citizen.givenNameTh} ${citizen.familyNameTh}`,
      name_en: `${citizen.givenNameEn} ${citizen.familyNameEn}`,
      birthdate: citizen.birthdate,
      gender: citizen.sex,
      smartcard_code: citizen.laserCode,
      date_of_issuance: citizen.cardIssuedOn,
      date_of_expiry: citizen.cardExpiresOn,
      ial: citizen.ial,
      address: expect.objectContaining({
        formatted: formatAddressTh(citizen.address),
        subdistrict: citizen.address.subdistrict,
        district: citizen.address.district,
        province: citizen.address.province,
        postal_code: citizen.address.postalCode,
        country: 'TH',
      }),
    };
    expect(tokens.claims()).toMatchObject(expected);
    expect(tokens).toMatchObject(expected);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject(expected);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(' ').sort()).toEqual(allScopes.split(' ').sort());
  });

  it('are only those of the granted scopes', async () => {
    const { config, tokens } = await redeem(rp, 'openid name');
    const released = (o: object) => Object.keys(o).filter((k) => ['pid', 'address', 'birthdate', 'name'].includes(k));
    expect(released(tokens.claims()!)).toEqual(['name']);
    expect(released(tokens)).toEqual(['name']);
    expect(released(await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub))).toEqual(['name']);
  });

  it('come back on refresh, at the top level too', async () => {
    const { config, tokens } = await redeem(rp, 'openid pid');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.pid).toBe(citizen.pid);
    expect(refreshed.claims()?.pid).toBe(citizen.pid);
  });

  it('follow the system’s approval of today: a data item withdrawn after the tokens were issued is not released', async () => {
    const narrowed = await createRelyingParty(server, { scopes: ['pid', 'name'] });
    const { config, tokens } = await redeem(narrowed, 'openid pid name');
    expect(tokens.name).toBeDefined();
    await server.database.db.updateTable('agency_systems').set({ scopes: ['openid', 'pid'] }).where('client_id', '=', narrowed.clientId).execute();
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.pid).toBe(citizen.pid);
    expect(userinfo.name).toBeUndefined();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.pid).toBe(citizen.pid);
    expect(refreshed.name).toBeUndefined();
    expect(refreshed.claims()?.name).toBeUndefined();
  });
});

describe('the subject identifier', () => {
  it('is stable for one agency, differs between agencies, and is never the pid', async () => {
    const rpA = await createRelyingParty(server, { scopes: ['pid'] });
    const rpB = await createRelyingParty(server, { scopes: ['pid'] });
    const first = (await redeem(rpA, 'openid')).tokens.claims()!.sub;
    const again = (await redeem(rpA, 'openid')).tokens.claims()!.sub;
    const other = (await redeem(rpB, 'openid')).tokens.claims()!.sub;
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first).not.toContain(citizen.pid);
  });

  it('is the same at introspection as in the ID token', async () => {
    const rp = await createRelyingParty(server);
    const { config, tokens } = await redeem(rp, 'openid pid');
    const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspected.active).toBe(true);
    expect(introspected.sub).toBe(tokens.claims()!.sub);
  });
});

describe('introspection and revocation', () => {
  it('tell a system nothing about another system’s tokens', async () => {
    const owner = await createRelyingParty(server);
    const stranger = await createRelyingParty(server);
    const { tokens } = await redeem(owner, 'openid pid');
    const introspected = await oidc.tokenIntrospection(await clientFor(stranger), tokens.access_token);
    expect(introspected).toEqual({ active: false });
  });

  it('let a system revoke its own access token, after which userinfo refuses it', async () => {
    const rp = await createRelyingParty(server);
    const { config, tokens } = await redeem(rp, 'openid pid');
    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    const response = await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_token');
  });

  it('stop working for tokens of a system that is suspended afterwards', async () => {
    const rp = await createRelyingParty(server);
    const { tokens } = await redeem(rp, 'openid pid');
    await server.database.db.updateTable('agency_systems').set({ status: 'suspended' }).where('client_id', '=', rp.clientId).execute();
    const response = await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_token');
    const refresh = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .auth(rp.clientId, rp.clientSecret!)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_client');
  });
});

describe('an authorization code redeemed by many requests at once', () => {
  it('buys tokens for exactly one of them, then revoked; the others get invalid_grant', async () => {
    const rp = await createRelyingParty(server, { scopes: ['pid'] });
    const code = await issueCode(rp, 'openid pid');
    const redemptions = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(server.url)
          .post('/api/v2/oauth2/token/')
          .auth(rp.clientId, rp.clientSecret!)
          .type('form')
          .send({ grant_type: 'authorization_code', code, redirect_uri: rp.redirectUris[0]! }),
      ),
    );
    const statuses = redemptions.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    for (const refused of redemptions.filter((r) => r.status === 400)) {
      expect(refused.body.error).toBe('invalid_grant');
      expect(refused.body).not.toHaveProperty('access_token');
    }
    // A code used more than once revokes what it bought, whichever request came first (RFC 6749, 4.1.2).
    const issued = redemptions.find((r) => r.status === 200)!.body.access_token as string;
    await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${issued}`).expect(401);
  });
});
