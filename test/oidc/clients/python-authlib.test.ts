import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { demoPersonas } from '../../../src/registry/personas.ts';
import { formatAddressTh } from '../../../src/registry/addresses.ts';
import { enrolledDevice } from '../../support/browser-login.ts';
import { signInAtRelyingPartyApp, startRelyingPartyApp, type RunningApp } from '../../support/relying-party-apps.ts';
import { createRelyingParty } from '../../support/relying-party.ts';
import { freePort, startTestServer, type TestServer } from '../../support/server.ts';

/** Debian's Python with Flask and Authlib (test/support/system-packages-setup.ts), or null. */
const python = inject('pythonWithAuthlib');
const flaskApp = path.join(import.meta.dirname, 'python', 'thaid_flask_app.py');

/** The scopes the public ThaID sample for Flask (ETDA/ThaiD-Python-RP) asks for: openid and every data item. */
const sampleScope = [
  'openid pid address gender birthdate given_name middle_name family_name name given_name_en middle_name_en family_name_en',
  'name_en title title_en ial smartcard_code date_of_expiry date_of_issuance',
].join(' ');
const dataItems = sampleScope.split(' ').filter((scope) => scope !== 'openid');

const citizen = demoPersonas[0]!;
/** What the registry holds about the citizen, as the claims of each data item (the citizen has no middle name). */
const citizenData = {
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
  // Matched in part (toMatchObject), as the address claim has more members.
  address: { formatted: formatAddressTh(citizen.address), postal_code: citizen.address.postalCode },
  smartcard_code: citizen.laserCode,
  date_of_issuance: citizen.cardIssuedOn,
  date_of_expiry: citizen.cardExpiresOn,
  ial: citizen.ial,
};

/** What the Flask app answers at /callback: the token response as Authlib returned it, and the verified ID token's claims. */
interface CallbackAnswer {
  token_response: Record<string, unknown>;
  id_token_claims: Record<string, unknown> | null;
}

describe.skipIf(!python)('Flask with Authlib as the relying party, registered as the public ThaID sample for Flask does', () => {
  let server: TestServer;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await server?.dispose();
  });

  /** Registers a system approved for every data item and starts the Flask app for it, asking for `scope`. */
  async function startFlaskApp(scope: string) {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const rp = await createRelyingParty(server, { name: 'Flask test agency', redirectUris: [redirectUri], scopes: dataItems });
    const app = await startRelyingPartyApp({
      name: 'The Flask app',
      command: python!,
      args: [flaskApp],
      port,
      env: {
        THAID_BASE_URL: server.issuer,
        THAID_CLIENT_ID: rp.clientId,
        THAID_CLIENT_SECRET: rp.clientSecret!,
        THAID_REDIRECT_URI: redirectUri,
        THAID_SCOPE: scope,
        PORT: String(port),
      },
    });
    apps.push(app);
    onTestFailed(() => console.log(`The Flask app's output:\n${app.output()}`));
    return { app, rp };
  }

  it('asks for data items only (no openid) and reads them at the top level of the token response', async () => {
    const { app } = await startFlaskApp(dataItems.join(' '));
    const device = await enrolledDevice(server, citizen);

    const { response, asked, authorizationUrl } = await signInAtRelyingPartyApp(server, app.url, device);
    expect(authorizationUrl.searchParams.get('scope')).toBe(dataItems.join(' '));
    expect(response.status, response.text).toBe(200);
    expect(asked?.dataItems.map((item) => item.scope).sort()).toEqual([...dataItems].sort());

    const answer = response.body as CallbackAnswer;
    expect(answer.token_response).toMatchObject({ ...citizenData, access_token: expect.any(String) });
    expect(String(answer.token_response.token_type).toLowerCase()).toBe('bearer');
    expect(answer.token_response).not.toHaveProperty('middle_name');
    // Without openid this is plain OAuth 2.0: no ID token for Authlib to verify.
    expect(answer.token_response).not.toHaveProperty('id_token');
    expect(answer.id_token_claims).toBeNull();
  });

  it('with the sample’s own scopes (openid too) also gets a verified ID token with auth_time, at_hash and version', async () => {
    const { app, rp } = await startFlaskApp(sampleScope);
    const device = await enrolledDevice(server, citizen);
    const startedAt = Math.floor(Date.now() / 1000);

    const { response, asked, authorizationUrl } = await signInAtRelyingPartyApp(server, app.url, device);
    // Authlib adds a nonce to an OpenID Connect request, and checks it in the ID token.
    expect(authorizationUrl.searchParams.get('nonce')).toBeTruthy();
    expect(response.status, response.text).toBe(200);
    expect(asked?.dataItems.map((item) => item.scope).sort()).toEqual([...dataItems].sort());

    const answer = response.body as CallbackAnswer;
    // What the sample shows from the token response...
    expect(answer.token_response).toMatchObject({
      ...citizenData,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
    expect(String(answer.token_response.scope).split(' ').sort()).toEqual(sampleScope.split(' ').sort());

    // ...and from the ID token, which Authlib has verified (signature, iss, aud, nonce, at_hash) before handing it over.
    const claims = answer.id_token_claims!;
    expect(claims).toMatchObject({
      ...citizenData,
      iss: server.issuer,
      sub: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
      // The sample shows these three; Authlib checks at_hash against the access token when it is there.
      at_hash: expect.any(String),
      version: expect.stringMatching(/./),
      auth_time: expect.any(Number),
    });
    expect([claims.aud].flat()).toContain(rp.clientId);
    expect(claims.sub).not.toBe(citizen.pid);
    expect(claims.auth_time as number).toBeGreaterThanOrEqual(startedAt - 5);
    expect(claims.auth_time as number).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 5);
  });
});
