import { generators, Issuer, type BaseClient, type TokenSet } from 'openid-client-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../../src/devices/virtual-device.ts';
import { formatAddressTh } from '../../../src/registry/addresses.ts';
import { demoPersonas } from '../../../src/registry/personas.ts';
import { enrolledDevice } from '../../support/browser-login.ts';
import { approveSignIn } from '../../support/relying-party-apps.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../../support/relying-party.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

const citizen = demoPersonas[0]!;
const scope = 'openid pid name name_en given_name family_name address';
const expected = {
  pid: citizen.pid,
  name: `${citizen.givenNameTh} ${citizen.familyNameTh}`,
  name_en: `${citizen.givenNameEn} ${citizen.familyNameEn}`,
  given_name: citizen.givenNameTh,
  family_name: citizen.familyNameTh,
  // Matched in part (toMatchObject), as the address claim has more members.
  address: { formatted: formatAddressTh(citizen.address), postal_code: citizen.address.postalCode },
};

describe('openid-client v5 (the previous major version) as the relying party', () => {
  let server: TestServer;
  let rp: CreatedRelyingParty;
  let client: BaseClient;
  let device: VirtualDevice;
  const redirectUri = 'https://rp-v5.example.test/callback';

  beforeAll(async () => {
    server = await startTestServer();
    rp = await createRelyingParty(server, {
      name: 'openid-client v5 agency',
      redirectUris: [redirectUri],
      scopes: ['pid', 'name', 'name_en', 'given_name', 'family_name', 'address'],
    });
    // Configured as its documentation shows: discovery from the issuer, then a confidential client (client_secret_basic).
    const issuer = await Issuer.discover(server.issuer);
    client = new issuer.Client({
      client_id: rp.clientId,
      client_secret: rp.clientSecret!,
      redirect_uris: [redirectUri],
      response_types: ['code'],
    });
    device = await enrolledDevice(server, citizen);
  });
  afterAll(() => server?.dispose());

  /** A whole sign-in with state, nonce and PKCE S256; `callback` checks the state, the nonce and the ID token. */
  async function signIn(): Promise<TokenSet> {
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    const authorizationUrl = client.authorizationUrl({
      scope,
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    const { callback, asked } = await approveSignIn(server, authorizationUrl, device);
    expect(asked?.agency.th).toBe('openid-client v5 agency');
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    return client.callback(redirectUri, client.callbackParams(callback.href), {
      state,
      nonce,
      code_verifier: codeVerifier,
      response_type: 'code',
    });
  }

  it('signs in and reads the citizen in the ID token, at userinfo and at the top level of the token response', async () => {
    const tokenSet = await signIn();

    const claims = tokenSet.claims();
    expect(claims).toMatchObject({ ...expected, iss: server.issuer, aud: rp.clientId });
    expect(claims.sub).not.toBe(citizen.pid);
    // The token response's own members are kept on the TokenSet, as integrations read tokenResponse.pid.
    expect(tokenSet).toMatchObject(expected);
    expect(tokenSet.token_type?.toLowerCase()).toBe('bearer');
    expect(tokenSet.refresh_token).toEqual(expect.any(String));

    const userinfo = await client.userinfo(tokenSet);
    expect(userinfo).toMatchObject({ ...expected, sub: claims.sub });
    expect(userinfo).not.toHaveProperty('birthdate');
  });

  it('refreshes the tokens: a new access token that works at userinfo, for the same citizen', async () => {
    const tokenSet = await signIn();
    const refreshed = await client.refresh(tokenSet);

    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.access_token).not.toBe(tokenSet.access_token);
    // A new ID token too, which openid-client has checked names the same subject.
    expect(refreshed.id_token).not.toBe(tokenSet.id_token);
    expect(refreshed.claims()).toMatchObject({ ...expected, sub: tokenSet.claims().sub, iss: server.issuer });
    expect(refreshed).toMatchObject(expected);
    expect(await client.userinfo(refreshed)).toMatchObject({ ...expected, sub: tokenSet.claims().sub });
  });
});
