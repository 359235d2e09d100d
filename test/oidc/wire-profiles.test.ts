import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { formatAddressTh } from '../../src/registry/addresses.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import { enrolledDevice, openLoginPage, testPin } from '../support/browser-login.ts';
import { createRelyingParty, type CreatedRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * Each system answers in its wire profile: `thaid` as the real service does (its public integration code relies
 * on it), `strict` as OpenID Connect and RFC 9700 are written. Each behaviour is shown in both.
 */

let server: TestServer;
let device: VirtualDevice;
let thaid: CreatedRelyingParty;
let strict: CreatedRelyingParty;
const citizen = demoPersonas[0]!;
const redirectUri = 'https://rp.example.test/callback';
const scopes = ['pid', 'title', 'name', 'given_name', 'family_name', 'birthdate', 'gender', 'address'];
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  // Warnings are kept to check what the server tells a developer about departures from the standards.
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  server = await startTestServer({ logger: pino({ level: 'warn' }, sink) });
  device = await enrolledDevice(server, citizen);
  thaid = await createRelyingParty(server, { name: 'Thaid-profile agency', redirectUris: [redirectUri], scopes });
  strict = await createRelyingParty(server, { name: 'Strict-profile agency', redirectUris: [redirectUri], scopes, profile: 'strict' });
});
afterAll(() => server?.dispose());

const now = () => Math.floor(Date.now() / 1000);
const pkcePair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** The browser's half: the authorization request (as a raw query, so repeats stay as sent), the device's approval. */
async function signIn(query: string, path = '/api/v2/oauth2/auth/'): Promise<URL> {
  const login = await openLoginPage(server, new URL(`${server.issuer}${path}?${query}`));
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  return new URL(await login.continueToRelyingParty());
}

const query = (rp: CreatedRelyingParty, params: Record<string, string>) =>
  new URLSearchParams({ response_type: 'code', client_id: rp.clientId, redirect_uri: redirectUri, state: 'st', ...params }).toString();

/** A code, then the token request for it. */
async function codeFor(rp: CreatedRelyingParty, params: Record<string, string>, path?: string): Promise<string> {
  const callback = await signIn(query(rp, params), path);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  return code;
}

function tokenRequest(rp: CreatedRelyingParty, form: Record<string, string>, path = '/api/v2/oauth2/token/') {
  return request(server.url)
    .post(path)
    .auth(rp.clientId, rp.clientSecret!)
    .type('form')
    .send({ grant_type: 'authorization_code', redirect_uri: redirectUri, ...form });
}

async function tokensFor(rp: CreatedRelyingParty, scope: string) {
  const code = await codeFor(rp, { scope });
  return (await tokenRequest(rp, { code }).expect(200)).body as Record<string, unknown> & { access_token: string };
}

const departures = (clientId: string) =>
  logLines.filter((line) => line['clientId'] === clientId && typeof line['departure'] === 'string').map((line) => line['departure'] as string);

describe('ID token claims', () => {
  it.each([['thaid'], ['strict']])('carry auth_time, at_hash of the access token and version (%s)', async (profile) => {
    const rp = profile === 'thaid' ? thaid : strict;
    const before = now();
    const tokens = await tokensFor(rp, 'openid pid');
    const idToken = decodeJwt(String(tokens.id_token));
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(idToken.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(idToken.auth_time).toBeGreaterThanOrEqual(before - 5);
    expect(idToken.auth_time).toBeLessThanOrEqual(now());
    expect(idToken.version).toBe('2.0');
    expect(idToken.pid).toBe(citizen.pid);
  });

  it('are signed RS256 by default, ES256 for a system registered so', async () => {
    const es = await createRelyingParty(server, { name: 'ES256 agency', redirectUris: [redirectUri], scopes, idTokenAlg: 'ES256' });
    expect(decodeProtectedHeader(String((await tokensFor(es, 'openid pid')).id_token)).alg).toBe('ES256');
    expect(decodeProtectedHeader(String((await tokensFor(thaid, 'openid pid')).id_token)).alg).toBe('RS256');
  });
});

describe('a sign-in without openid', () => {
  it('is plain OAuth 2.0 in the thaid profile: claims at the top of the token response and at userinfo, no ID token', async () => {
    const tokens = await tokensFor(thaid, 'pid given_name family_name');
    expect(tokens).toMatchObject({ pid: citizen.pid, given_name: citizen.givenNameTh, family_name: citizen.familyNameTh, scope: 'pid given_name family_name' });
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const userinfo = await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`).expect(200);
    expect(userinfo.body).toMatchObject({ pid: citizen.pid, given_name: citizen.givenNameTh });
    expect(userinfo.body).not.toHaveProperty('name');
  });

  it('gives nothing at userinfo once the system may no longer act, saying the token is not valid', async () => {
    const rp = await createRelyingParty(server, { name: 'Soon-suspended agency', redirectUris: [redirectUri], scopes });
    const tokens = await tokensFor(rp, 'pid');
    await server.database.db.updateTable('agency_systems').set({ status: 'suspended' }).where('client_id', '=', rp.clientId).execute();
    const response = await request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.access_token}`).expect(401);
    expect(response.body.error).toBe('invalid_token');
  });

  it('is refused with invalid_scope in the strict profile, before the citizen is asked anything', async () => {
    const response = await request(server.url).get(`/api/v2/oauth2/auth/?${query(strict, { scope: 'pid' })}`).expect(303);
    const location = new URL(response.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
  });

  // Nothing would be released and no one signed in: the citizen must not be asked to approve it.
  it.each([
    ['no scope at all', {}],
    ['scopes joined by commas', { scope: 'pid,name' }],
    ['only scopes the service does not know', { scope: 'email profile' }],
  ])('nor data items, with %s, is refused with invalid_scope in either profile, before the citizen is asked anything', async (_, params) => {
    for (const rp of [thaid, strict]) {
      const response = await request(server.url).get(`/api/v2/oauth2/auth/?${query(rp, params)}`).expect(303);
      const location = new URL(response.headers.location as string);
      expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
      if (rp === thaid) expect(location.searchParams.get('error_description')).toMatch(/openid.*data item.*separated by spaces/);
    }
  });
});

describe('expires_in', () => {
  it('is the Unix time the access token expires, 15 minutes on, in the thaid profile', async () => {
    const tokens = await tokensFor(thaid, 'openid pid');
    expect(Number(tokens.expires_in) - now()).toBeGreaterThan(890);
    expect(Number(tokens.expires_in) - now()).toBeLessThanOrEqual(900);
    expect(decodeJwt(String(tokens.id_token)).exp! - now()).toBeLessThanOrEqual(900);
  });

  it('is a number of seconds in the strict profile', async () => {
    expect((await tokensFor(strict, 'openid pid')).expires_in).toBe(900);
  });

  it('of a refreshed token follows the profile too', async () => {
    const refresh = async (rp: CreatedRelyingParty) => {
      const tokens = await tokensFor(rp, 'openid pid');
      const refreshed = await tokenRequest(rp, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }).expect(200);
      return refreshed.body as { expires_in: number; pid: string };
    };
    expect((await refresh(thaid)).expires_in).toBeGreaterThan(now());
    expect(await refresh(strict)).toMatchObject({ expires_in: 900, pid: citizen.pid });
  });
});

describe('the JWKS', () => {
  it('is also at /jwks/ on the host root, with and without its slash', async () => {
    const keys = (await request(server.url).get('/api/v2/oauth2/jwks/').expect(200)).body as { keys: unknown[] };
    expect(keys.keys.length).toBeGreaterThan(0);
    expect((await request(server.url).get('/jwks/').expect(200)).body).toEqual(keys);
    expect((await request(server.url).get('/jwks').expect(200)).body).toEqual(keys);
  });
});

describe('revocation', () => {
  const revoke = (rp: CreatedRelyingParty, token: string) =>
    request(server.url).post('/api/v2/oauth2/revoke/').auth(rp.clientId, rp.clientSecret!).type('form').send({ token });
  const introspect = (rp: CreatedRelyingParty, token: string) =>
    request(server.url).post('/api/v2/oauth2/introspect/').auth(rp.clientId, rp.clientSecret!).type('form').send({ token });

  it('answers JSON with a message in the thaid profile, and the token is revoked', async () => {
    const tokens = await tokensFor(thaid, 'openid pid');
    const response = await revoke(thaid, tokens.access_token).expect(200);
    expect(response.body).toEqual({ status: 'OK', message: 'revoked' });
    expect((await introspect(thaid, tokens.access_token).expect(200)).body).toEqual({ active: false });
  });

  it('answers an empty 200 in the strict profile (RFC 7009)', async () => {
    const tokens = await tokensFor(strict, 'openid pid');
    const response = await revoke(strict, tokens.access_token).expect(200);
    expect(response.text).toBe('');
    expect((await introspect(strict, tokens.access_token).expect(200)).body).toEqual({ active: false });
  });

  it('refuses another system’s token in the strict profile (RFC 7009, 2.1), and leaves it working in both', async () => {
    const tokens = await tokensFor(thaid, 'openid pid');
    const refused = await revoke(strict, tokens.access_token).expect(400);
    expect(refused.body).toMatchObject({ error: 'unauthorized_client', error_description: expect.stringContaining('not issued to this client') });
    // The thaid profile answers as for a token it does not know.
    const otherThaid = await tokensFor(strict, 'openid pid');
    expect((await revoke(thaid, otherThaid.access_token).expect(200)).body).toEqual({ status: 'OK', message: 'revoked' });
    expect((await introspect(thaid, tokens.access_token).expect(200)).body).toMatchObject({ active: true });
    expect((await introspect(strict, otherThaid.access_token).expect(200)).body).toMatchObject({ active: true });
  });

  it('takes a token sent with a "Bearer " prefix in the thaid profile, as the service’s manual shows', async () => {
    const tokens = await tokensFor(thaid, 'openid pid');
    await revoke(thaid, `Bearer ${tokens.access_token}`).expect(200);
    expect((await introspect(thaid, tokens.access_token).expect(200)).body).toEqual({ active: false });
  });

  it('logs the "Bearer " prefix once per request, though the token is looked up as each kind of token', async () => {
    const tokens = await tokensFor(thaid, 'openid pid');
    const response = await revoke(thaid, `Bearer ${tokens.refresh_token}`).expect(200);
    const requestId = response.headers['x-request-id'];
    const logged = logLines.filter((line) => line['requestId'] === requestId && typeof line['departure'] === 'string');
    expect(logged.map((line) => line['departure'])).toEqual(['sent the token to revocation with a "Bearer " prefix']);
  });
});

describe('introspection of a token sent as "Bearer <token>"', () => {
  const introspect = (rp: CreatedRelyingParty, token: string) =>
    request(server.url).post('/api/v2/oauth2/introspect/').auth(rp.clientId, rp.clientSecret!).type('form').send({ token });

  it('answers as for the bare token in the thaid profile, and logs the departure', async () => {
    const tokens = await tokensFor(thaid, 'openid pid');
    const response = await introspect(thaid, `Bearer ${tokens.access_token}`).expect(200);
    expect(response.body).toMatchObject({ active: true, client_id: thaid.clientId, scope: 'openid pid' });
    expect(response.body).toEqual((await introspect(thaid, tokens.access_token).expect(200)).body);
    expect(departures(thaid.clientId)).toContain('sent the token to introspection with a "Bearer " prefix');
  });

  it('finds no such token in the strict profile', async () => {
    const tokens = await tokensFor(strict, 'openid pid');
    expect((await introspect(strict, `Bearer ${tokens.access_token}`).expect(200)).body).toEqual({ active: false });
    expect((await introspect(strict, tokens.access_token).expect(200)).body).toMatchObject({ active: true });
  });
});

describe('repeated authorization parameters', () => {
  /** What league/oauth2-client makes of a URL that already carries the parameters: each one again, its own state last. */
  const repeatedAsLeagueDoes = (rp: CreatedRelyingParty) =>
    `${query(rp, { scope: 'openid pid', state: 'from-the-url' })}&state=from-the-client&response_type=code&approval_prompt=auto` +
    `&redirect_uri=${encodeURIComponent(redirectUri)}&client_id=${rp.clientId}`;

  it('are taken once when their values agree, and state by its last value, in the thaid profile', async () => {
    const callback = await signIn(repeatedAsLeagueDoes(thaid));
    expect(callback.searchParams.get('state')).toBe('from-the-client');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(departures(thaid.clientId).some((d) => d.startsWith('repeated the authorization parameters'))).toBe(true);
  });

  it('that disagree (other than state) are refused in the thaid profile, naming the parameter', async () => {
    const response = await request(server.url).get(`/api/v2/oauth2/auth/?${query(thaid, { scope: 'openid pid' })}&scope=openid%20name`);
    const location = new URL(response.headers.location as string);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain("'scope' parameter must not be provided twice");
  });

  it('are refused in the strict profile, even when their values agree', async () => {
    const response = await request(server.url).get(`/api/v2/oauth2/auth/?${query(strict, { scope: 'openid pid' })}&response_type=code`);
    const location = new URL(response.headers.location as string);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain("'response_type' parameter must not be provided twice");
  });
});

describe('PKCE', () => {
  it('is not checked for a confidential client of the thaid profile: a fresh verifier still redeems the code', async () => {
    const { challenge } = pkcePair();
    const code = await codeFor(thaid, { scope: 'openid pid', code_challenge: challenge, code_challenge_method: 'S256' });
    const response = await tokenRequest(thaid, { code, code_verifier: pkcePair().verifier }).expect(200);
    expect(response.body.pid).toBe(citizen.pid);
    expect(departures(thaid.clientId)).toContain('redeemed a PKCE code with a code_verifier that does not match its code_challenge');
  });

  it('is not checked for a confidential client of the thaid profile that sends a code_verifier for a code requested without a challenge', async () => {
    const code = await codeFor(thaid, { scope: 'openid pid' });
    const response = await tokenRequest(thaid, { code, code_verifier: pkcePair().verifier }).expect(200);
    expect(response.body.pid).toBe(citizen.pid);
    expect(departures(thaid.clientId)).toContain('redeemed a code requested without a code_challenge with a code_verifier');
  });

  it('refuses, in the strict profile, a code_verifier for a code requested without a challenge', async () => {
    const code = await codeFor(strict, { scope: 'openid pid' });
    const response = await tokenRequest(strict, { code, code_verifier: pkcePair().verifier }).expect(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('is checked whenever a challenge was sent in the strict profile', async () => {
    const { challenge } = pkcePair();
    const code = await codeFor(strict, { scope: 'openid pid', code_challenge: challenge, code_challenge_method: 'S256' });
    const response = await tokenRequest(strict, { code, code_verifier: pkcePair().verifier }).expect(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('is always checked for a public client, whatever its profile', async () => {
    const spa = await createRelyingParty(server, { name: 'Public agency', redirectUris: [redirectUri], scopes, publicClient: true });
    const { challenge, verifier } = pkcePair();
    const code = await codeFor(spa, { scope: 'openid pid', code_challenge: challenge, code_challenge_method: 'S256' });
    const form = { grant_type: 'authorization_code', redirect_uri: redirectUri, client_id: spa.clientId, code };
    const wrong = await request(server.url).post('/api/v2/oauth2/token/').type('form').send({ ...form, code_verifier: pkcePair().verifier }).expect(400);
    expect(wrong.body.error).toBe('invalid_grant');
    // The failed attempt did not use the code up: the right verifier still redeems it.
    await request(server.url).post('/api/v2/oauth2/token/').type('form').send({ ...form, code_verifier: verifier }).expect(200);
  });
});

describe('the v1 API', () => {
  it('signs in at /api/v1/oauth2/auth/ and token/ with the v1 names and formats of claims', async () => {
    const code = await codeFor(thaid, { scope: 'openid pid th_fullname th_fname th_lname dob sex address' }, '/api/v1/oauth2/auth/');
    const response = await tokenRequest(thaid, { code }, '/api/v1/oauth2/token/').set('x-imauth-apikey', thaid.apiKey).expect(200);
    const [year, month, day] = citizen.birthdate.split('-');
    const expected = {
      pid: citizen.pid,
      th_fullname: `${citizen.titleTh} ${citizen.givenNameTh} ${citizen.familyNameTh}`,
      th_fname: citizen.givenNameTh,
      th_lname: citizen.familyNameTh,
      dob: `${Number(year) + 543}${month}${day}`,
      sex: 'ชาย',
      address: formatAddressTh(citizen.address),
    };
    expect(response.body).toMatchObject(expected);
    expect(response.body.expire_in).toBe(response.body.expires_in);
    expect(response.body.expire_in).toBeGreaterThan(now());
    const idToken = decodeJwt(response.body.id_token as string);
    expect(idToken).toMatchObject(expected);
    expect(idToken).not.toHaveProperty('version');
  });

  it('carries expire_in as the Unix expiry in the strict profile too, beside expires_in in seconds', async () => {
    const code = await codeFor(strict, { scope: 'openid pid' }, '/api/v1/oauth2/auth/');
    const response = await tokenRequest(strict, { code }, '/api/v1/oauth2/token/').expect(200);
    expect(response.body.expires_in).toBe(900);
    expect(response.body.expire_in).toBeGreaterThanOrEqual(now() + 899);
    expect(response.body.expire_in).toBeLessThanOrEqual(now() + 901);
  });

  it('shows the citizen the v1 data items in Thai and English', async () => {
    const response = await request(server.url).get(`/api/v1/oauth2/auth?${query(thaid, { scope: 'pid th_fullname dob' })}`).expect(200);
    expect(response.text).toContain('คำนำหน้าและชื่อ-นามสกุล (ภาษาไทย)');
    expect(response.text).toContain('Date of birth');
  });

  it('lets a system ask for a v1 name only when its v2 data item is approved', async () => {
    // The systems here are not approved for middle_name, so th_mname is not theirs to ask for.
    const response = await request(server.url).get(`/api/v1/oauth2/auth/?${query(thaid, { scope: 'pid th_mname' })}`).expect(303);
    expect(new URL(response.headers.location as string).searchParams.get('error')).toBe('invalid_scope');
  });
});

describe('API keys', () => {
  it('a request without one is served; one with the system’s key is served; one with another key is refused, saying why', async () => {
    const code = await codeFor(thaid, { scope: 'openid pid' });
    const wrong = await tokenRequest(thaid, { code }).set('x-imauth-apikey', strict.apiKey).expect(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.body.error_description).toContain(`The API key in the x-imauth-apikey header is not the one issued to system ${thaid.clientId}`);
    // The refusal came before the code was touched: with the right key it still redeems.
    const tokens = await tokenRequest(thaid, { code }).set('x-imauth-apikey', thaid.apiKey).expect(200);
    await tokenRequest(thaid, { code: await codeFor(thaid, { scope: 'openid pid' }) }).expect(200);

    const userinfo = (key: string) =>
      request(server.url).get('/api/v2/oauth2/userinfo/').set('authorization', `Bearer ${tokens.body.access_token}`).set('x-api-key', key);
    expect((await userinfo(thaid.apiKey).expect(200)).body.pid).toBe(citizen.pid);
    expect((await userinfo('not-the-key').expect(401)).body.error_description).toContain('x-api-key');
  });

  it('are issued to every system, shown once, and stored only as a hash', async () => {
    expect(thaid.apiKey).toMatch(/^[\w-]{40,}$/);
    const stored = await server.database.db.selectFrom('agency_systems').select('api_key_hash').where('client_id', '=', thaid.clientId).executeTakeFirstOrThrow();
    expect(stored.api_key_hash).toMatch(/^sha256:/);
    expect(stored.api_key_hash).not.toContain(thaid.apiKey);
  });
});

describe('userinfo', () => {
  it('takes the access token in the Authorization header or a form body, and refuses it in the query string or a JSON body', async () => {
    const { access_token: token } = await tokensFor(thaid, 'openid pid');
    const userinfo = '/api/v2/oauth2/userinfo/';
    expect((await request(server.url).get(userinfo).set('authorization', `Bearer ${token}`).expect(200)).body.pid).toBe(citizen.pid);
    expect((await request(server.url).post(userinfo).type('form').send({ access_token: token }).expect(200)).body.pid).toBe(citizen.pid);
    const inQuery = await request(server.url).get(`${userinfo}?access_token=${token}`).expect(400);
    expect(inQuery.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/query/) });
    const asJson = await request(server.url).post(userinfo).set('authorization', `Bearer ${token}`).send({ any: 'thing' }).expect(400);
    expect(asJson.body.error).toBe('invalid_request');
  });
});
