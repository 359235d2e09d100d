import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { basicAuth } from '../support/http.ts';
import { loginPageLocation, loginPathOf } from '../support/browser-login.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());


describe('discovery', () => {
  it.each(['/.well-known/openid-configuration', '/api/v2/oauth2/.well-known/openid-configuration'])(
    'answers at %s with the ThaID endpoint paths',
    async (path) => {
      const { body } = await request(server.url).get(path).expect(200);
      expect(body).toMatchObject({
        issuer: server.issuer,
        authorization_endpoint: `${server.issuer}/api/v2/oauth2/auth/`,
        token_endpoint: `${server.issuer}/api/v2/oauth2/token/`,
        introspection_endpoint: `${server.issuer}/api/v2/oauth2/introspect/`,
        revocation_endpoint: `${server.issuer}/api/v2/oauth2/revoke/`,
        userinfo_endpoint: `${server.issuer}/api/v2/oauth2/userinfo/`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
      expect(body.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
      );
    },
  );

  it('lists every scope and claim of the ThaID profile', async () => {
    const { body } = await request(server.url).get('/.well-known/openid-configuration').expect(200);
    const profile = [
      'pid', 'title', 'title_en', 'given_name', 'middle_name', 'family_name', 'given_name_en', 'middle_name_en',
      'family_name_en', 'name', 'name_en', 'birthdate', 'gender', 'address', 'smartcard_code', 'date_of_issuance',
      'date_of_expiry', 'ial',
    ];
    expect(body.scopes_supported).toEqual(expect.arrayContaining(['openid', ...profile]));
    expect(body.claims_supported).toEqual(expect.arrayContaining(['sub', ...profile]));
  });

  it('satisfies openid-client discovery from the host and from the /api/v2/oauth2 authority', async () => {
    const fromHost = await discoverAsDemoClient(server);
    expect(fromHost.serverMetadata().token_endpoint).toBe(`${server.issuer}/api/v2/oauth2/token/`);
    // openid-client insists the issuer equals the URL it was given, so the authority form is read directly.
    const { body } = await request(server.url).get('/api/v2/oauth2/.well-known/openid-configuration').expect(200);
    expect(body).toEqual(fromHost.serverMetadata());
  });
});

describe('the JWKS', () => {
  it('publishes an RS256 and an ES256 signing key, without private parts', async () => {
    const { body } = await request(server.url).get('/api/v2/oauth2/jwks/').expect(200);
    const algs = body.keys.map((k: { alg: string }) => k.alg).sort();
    expect(algs).toEqual(['ES256', 'RS256']);
    for (const key of body.keys) {
      expect(key.kid).toBeTruthy();
      expect(key.use).toBe('sig');
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe.each([
  ['with', '/'],
  ['without', ''],
])('every endpoint path %s its trailing slash', (_, slash) => {
  const at = (name: string) => `/api/v2/oauth2/${name}${slash}`;

  it('authorization answers a valid request with the login page', async () => {
    const query = new URLSearchParams({
      client_id: demo.clientId,
      response_type: 'code',
      scope: 'openid pid',
      redirect_uri: demo.redirectUris[0],
      state: 's',
    });
    const response = await request(server.url).get(`${at('auth')}?${query}`).expect(200);
    expect(loginPathOf(response.text)).toMatch(loginPageLocation);
  });

  it('token authenticates the client and judges the grant', async () => {
    const response = await request(server.url)
      .post(at('token'))
      .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: demo.redirectUris[0] })
      .expect(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('introspection answers inactive for an unknown token', async () => {
    const response = await request(server.url)
      .post(at('introspect'))
      .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
      .type('form')
      .send({ token: 'no-such-token' })
      .expect(200);
    expect(response.body).toEqual({ active: false });
  });

  it('revocation accepts an unknown token, as RFC 7009 asks', async () => {
    await request(server.url)
      .post(at('revoke'))
      .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
      .type('form')
      .send({ token: 'no-such-token' })
      .expect(200);
  });

  it('userinfo asks for a bearer token', async () => {
    const response = await request(server.url).get(at('userinfo'));
    expect([400, 401]).toContain(response.status);
    expect(response.body.error).toMatch(/invalid_(token|request)/);
  });

  it('JWKS is served', async () => {
    const response = await request(server.url).get(at('jwks')).expect(200);
    expect(response.body.keys.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['get', '/api/v2/oauth2/token/', 'POST, OPTIONS', 'The token endpoint'],
    ['get', '/api/v2/oauth2/token', 'POST, OPTIONS', 'The token endpoint'],
    ['get', '/api/v2/oauth2/revoke/', 'POST, OPTIONS', 'The revocation endpoint'],
    ['get', '/api/v2/oauth2/introspect/', 'POST, OPTIONS', 'The introspection endpoint'],
    ['delete', '/api/v2/oauth2/userinfo/', 'GET, POST, HEAD, OPTIONS', 'The userinfo endpoint'],
    ['put', '/api/v2/oauth2/userinfo/', 'GET, POST, HEAD, OPTIONS', 'The userinfo endpoint'],
    ['put', '/api/v2/oauth2/auth/', 'GET, POST, OPTIONS', 'The authorization endpoint'],
    ['post', '/api/v2/oauth2/jwks/', 'GET, HEAD, OPTIONS', 'The JWKS endpoint'],
    ['post', '/.well-known/openid-configuration', 'GET, HEAD, OPTIONS', 'The discovery document'],
  ] as const)('answers %s %s with 405, its message naming the methods its Allow header does (%s)', async (method, path, allow, name) => {
    const response = await request(server.url)[method](path).set('Accept', 'application/json').expect(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: `${name} answers ${allow} requests only, not ${method.toUpperCase()}.` });
  });

  it('answers a HEAD of an authorization request with 405, starting no sign-in (a link checker must not use up a daily quota)', async () => {
    const query = new URLSearchParams({ client_id: demo.clientId, response_type: 'code', redirect_uri: demo.redirectUris[0], scope: 'openid pid', state: 's' });
    const response = await request(server.url).head(`/api/v2/oauth2/auth/?${query}`).expect(405);
    expect(response.headers.allow).toBe('GET, POST, OPTIONS');
    expect(response.headers['set-cookie']).toBeUndefined();
    // The same request as a GET starts one.
    await request(server.url).get(`/api/v2/oauth2/auth/?${query}`).expect(200);
  });

  it.each([
    ['/api/v2/oauth2/token/', 'POST, OPTIONS'],
    ['/api/v2/oauth2/userinfo/', 'GET, POST, HEAD, OPTIONS'],
    ['/api/v2/oauth2/auth/', 'GET, POST, OPTIONS'],
  ])('answers a plain OPTIONS %s with 204 and the methods it takes, as it answers a CORS preflight', async (path, allow) => {
    const plain = await request(server.url).options(path).expect(204);
    expect(plain.headers.allow).toBe(allow);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a CORS preflight at the token endpoint with 204, its Access-Control headers and the same Allow', async () => {
    const preflight = await request(server.url)
      .options('/api/v2/oauth2/token/')
      .set('Origin', 'https://rp.example.test')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    expect(preflight.headers.allow).toBe('POST, OPTIONS');
  });

  it.each([
    ['post', '/api/v2/oauth2/auth/some-interaction', 'HEAD, GET'],
    ['delete', '/healthz', 'HEAD, GET'],
  ] as const)('answers %s %s, a page or route of this service, with 405 and the methods it takes', async (method, path, allow) => {
    const response = await request(server.url)[method](path).set('Accept', 'application/json').expect(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: `This address answers ${allow} requests only, not ${method.toUpperCase()}.` });
  });

  it('answers a method no route takes with 501 and says so', async () => {
    const response = await request(server.url).propfind('/healthz').set('Accept', 'application/json').expect(501);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: 'This service does not answer PROPFIND requests.' });
  });

  it('still answers 404 for an address that is no endpoint', async () => {
    const response = await request(server.url).get('/api/v2/oauth2/no-such-endpoint/').set('Accept', 'application/json').expect(404);
    expect(response.body.error).toBe('not_found');
  });
});

describe('the token endpoint', () => {
  it('accepts the client secret in the body as well (client_secret_post)', async () => {
    const response = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: 'no-such-code',
        redirect_uri: demo.redirectUris[0],
        client_id: demo.clientId,
        client_secret: demo.clientSecret,
      })
      .expect(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const response = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .set('authorization', basicAuth(demo.clientId, 'wrong-secret'))
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: demo.redirectUris[0] })
      .expect(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('refuses HTTP Basic with an empty secret, saying how a public client sends its client_id instead', async () => {
    const response = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .set('authorization', basicAuth(demo.clientId, ''))
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: demo.redirectUris[0] })
      .expect(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/client_secret.*public client sends its client_id in the form body/) });
  });

  it('refuses grant types other than the code flow and refresh', async () => {
    const response = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .set('authorization', basicAuth(demo.clientId, demo.clientSecret))
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(400);
    expect(response.body.error).toBe('unsupported_grant_type');
  });

  it('reports the same errors to openid-client', async () => {
    const config = await discoverAsDemoClient(server);
    const callback = new URL(`${demo.redirectUris[0]}?code=forged&state=s&iss=${encodeURIComponent(server.issuer)}`);
    await expect(
      oidc.authorizationCodeGrant(config, callback, { expectedState: 's' }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
