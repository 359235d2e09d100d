import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationUrl, createRelyingParty, demo } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { appLinkOf, enrolledDevice, loginPathOf, matchNumberOf, testPin } from '../support/browser-login.ts';
import { demoPersonas } from '../../src/registry/personas.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

describe('an authorization request that cannot be trusted', () => {
  it('from an unknown client gets an error page, never a redirect', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: 'no-such-client', redirect_uri: 'https://attacker.example/cb' }))
      .expect(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('This application cannot sign in with ThaID');
    expect(response.text).toContain('invalid_client');
  });

  it('with a redirect URI that is not registered gets an error page, never a redirect', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: 'http://localhost:8080/callback/other' }))
      .expect(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.text).toContain('The return address is not registered');
    expect(response.text).not.toContain('attacker');
  });

  it('that differs from the registered URI only by a trailing slash is refused too', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: `${demo.redirectUris[0]}/` }))
      .expect(400);
    expect(response.headers.location).toBeUndefined();
  });

  it('escapes what the request carried before showing it', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: '<script>alert(1)</script>', redirect_uri: 'https://x.example/cb' }))
      .expect(400);
    expect(response.text).not.toContain('<script>alert(1)</script>');
  });
});

describe('an authorization request from a registered client with a bad parameter', () => {
  it('asking for a data item the system is not approved for is sent back with invalid_scope', async () => {
    const rp = await createRelyingParty(server, { scopes: ['pid', 'name'] });
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: rp.clientId, redirect_uri: rp.redirectUris[0]!, scope: 'openid pid birthdate' }))
      .expect(303);
    const location = new URL(response.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(rp.redirectUris[0]);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe('state-1');
  });

  it('asking for a response type other than code is refused', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0], response_type: 'id_token' }))
      .expect(303);
    // The error travels in the fragment, the default response mode of the type that was asked for.
    const fragment = new URLSearchParams(new URL(response.headers.location as string).hash.slice(1));
    expect(fragment.get('error')).toBe('unsupported_response_type');
  });
});

describe('the login page', () => {
  const shortCodeOf = (html: string) => /class="short-code">([^<]+)</.exec(html)?.[1];

  it('names the agency, the system and each data item asked for', async () => {
    const page = await request(server.url)
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0], scope: 'openid pid address' }))
      .expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(demo.name);
    expect(page.text).toContain(demo.systemName);
    expect(page.text).toContain('เลขประจำตัวประชาชน');
    expect(page.text).toContain('Registered address');
    expect(page.text).not.toContain('Date of birth');
  });

  it('is the authorization endpoint’s answer, naming its own address, where the same sign-in is shown again', async () => {
    const agent = request.agent(server.url);
    const first = await agent.get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0] })).expect(200);
    const loginPath = loginPathOf(first.text);
    // Without JavaScript, the page reloads its own address, not the authorization request (a new sign-in).
    expect(first.text).toContain(`<meta http-equiv="refresh" content="5; url=${loginPath}">`);
    const again = await agent.get(loginPath).expect(200);
    expect(shortCodeOf(again.text)).toBe(shortCodeOf(first.text));
  });

  it('carries a sign-in started at its former address, /login/<uid>, to its address now, cookie and all', async () => {
    const first = await request(server.url).get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0] })).expect(200);
    const loginPath = loginPathOf(first.text);
    // The interaction's cookie, as a browser holds it for the old address (a signed cookie's signature does not
    // depend on its path).
    const interactionCookie = (first.headers['set-cookie'] as unknown as string[])
      .map((cookie) => cookie.split(';')[0]!)
      .filter((cookie) => /^_interaction(\.sig)?=/.test(cookie));
    expect(interactionCookie).toHaveLength(2);
    const moved = await request(server.url).get(`/login/${loginPath.split('/').at(-1)}`).set('cookie', interactionCookie.join('; ')).expect(303);
    expect(moved.headers.location).toBe(loginPath);
    const movedCookie = moved.headers['set-cookie'] as unknown as string[];
    expect(movedCookie.find((cookie) => cookie.startsWith('_interaction='))).toContain(`path=${loginPath};`);
    const page = await request(server.url)
      .get(loginPath)
      .set('cookie', movedCookie.map((cookie) => cookie.split(';')[0]).join('; '))
      .expect(200);
    expect(shortCodeOf(page.text)).toBe(shortCodeOf(first.text));
  });

  it('lets a page loaded at the former address cancel, and ask for a new code, from its own forms', async () => {
    const first = await request(server.url).get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0] })).expect(200);
    const loginPath = loginPathOf(first.text);
    const cookies = (first.headers['set-cookie'] as unknown as string[]).map((cookie) => cookie.split(';')[0]!);
    const formerAddress = `/login/${loginPath.split('/').at(-1)}`;
    const interactionCookie = cookies.filter((cookie) => /^_interaction(\.sig)?=/.test(cookie)).join('; ');

    const renewed = await request(server.url).post(`${formerAddress}/renew`).set('cookie', interactionCookie).expect(303);
    expect(renewed.headers.location).toBe(loginPath);
    expect((renewed.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('_interaction='))).toContain(`path=${loginPath};`);

    const cancelled = await request(server.url).post(`${formerAddress}/cancel`).set('cookie', interactionCookie).expect(303);
    expect(cancelled.headers.location).toBe(`${server.issuer}${loginPath}`);
    // The resume cookie was always at the page's new address; with it, the relying party hears the refusal.
    const back = await request(server.url).get(loginPath).set('cookie', cookies.join('; ')).expect(303);
    expect(new URL(back.headers.location as string).searchParams.get('error')).toBe('access_denied');
  });

  it('opened in another browser explains that the sign-in must start again', async () => {
    const first = await request(server.url)
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0] }))
      .expect(200);
    const page = await request(server.url).get(loginPathOf(first.text)).set('accept', 'text/html').expect(400);
    expect(page.text).toContain('opened in a different browser');
  });

  it('lets the citizen cancel, which sends access_denied to the relying party', async () => {
    const agent = request.agent(server.url);
    const first = await agent.get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0] })).expect(200);
    const resume = await agent.post(`${loginPathOf(first.text)}/cancel`).expect(303);
    const back = await agent.get(new URL(resume.headers.location as string).pathname).expect(303);
    const location = new URL(back.headers.location as string);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-1');
  });
});

describe('pages in general', () => {
  it('let the provider’s own self-submitting pages run their script (form_post)', async () => {
    const agent = request.agent(server.url);
    const first = await agent
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0], response_mode: 'form_post' }))
      .expect(200);
    const resume = await agent.post(`${loginPathOf(first.text)}/cancel`).expect(303);
    // The refusal travels in a self-submitting form; oidc-provider answers an error with 400.
    const page = await agent.get(new URL(resume.headers.location as string).pathname).expect(400);
    expect(page.text).toContain('<form method="post" action="http://localhost:8080/callback"');
    expect(page.text).toContain('value="access_denied"');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+'/);
  });

  it('may not be framed and load nothing from elsewhere', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: 'no-such-client', redirect_uri: 'https://x.example/cb' }))
      .expect(400);
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answer an unknown address with a 404 that points to discovery', async () => {
    const response = await request(server.url).get('/no-such-page').expect(404);
    expect(response.body.error).toBe('not_found');
    expect(response.body.error_description).toContain('/.well-known/openid-configuration');
  });
});

describe('a request whose parameters hold a NUL character', () => {
  const basic = { user: demo.clientId, pass: demo.clientSecret };

  it('keeps an opaque state or nonce as sent and carries on to the login page', async () => {
    const extras: Record<string, string>[] = [{ state: 'a\u0000b' }, { nonce: 'n\u0000' }, { login_hint: '\u0000' }];
    for (const extra of extras) {
      const response = await request(server.url).get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0], ...extra })).expect(200);
      loginPathOf(response.text);
    }
  });

  it('gets the state back as sent, with a code, once the citizen approves', async () => {
    const device = await enrolledDevice(server, demoPersonas[0]!);
    const browser = request.agent(server.url);
    const page = await browser
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0], state: 'a\u0000b' }))
      .expect(200);
    const loginPath = loginPathOf(page.text);
    const appLink = appLinkOf(page.text)!;
    await device.approve((await device.scan(appLink)).id, matchNumberOf(page.text), testPin);

    // The page is where the authorization resumes: with the answer given, the browser's visit carries it on.
    const callback = await browser.get(loginPath).expect(303);
    const location = new URL(callback.headers.location as string);
    expect(location.searchParams.get('state')).toBe('a\u0000b');
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('names no client, so it gets the unknown-client page', async () => {
    await request(server.url).get(authorizationUrl(server, { client_id: 'thaid-demo-client\u0000', redirect_uri: demo.redirectUris[0] })).expect(400);
  });

  it('names no client even when the parameter is repeated, as some clients repeat them', async () => {
    await request(server.url).get(`${authorizationUrl(server, { client_id: 'a\u0000b', redirect_uri: demo.redirectUris[0] })}&client_id=a%00b`).expect(400);
  });

  it('holds no code or token that exists', async () => {
    const token = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .auth(basic.user, basic.pass)
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'a\u0000', redirect_uri: demo.redirectUris[0] })
      .expect(400);
    expect(token.body.error).toBe('invalid_grant');
    const introspection = await request(server.url).post('/api/v2/oauth2/introspect/').auth(basic.user, basic.pass).type('form').send({ token: 'a\u0000' }).expect(200);
    expect(introspection.body).toEqual({ active: false });
    const refresh = await request(server.url).post('/api/v2/oauth2/token/').auth(basic.user, basic.pass).type('form').send({ grant_type: 'refresh_token', refresh_token: 'r\u0000' }).expect(400);
    expect(refresh.body.error).toBe('invalid_grant');
    await request(server.url).post('/api/v2/oauth2/revoke/').auth(basic.user, basic.pass).type('form').send({ token: 'a\u0000' }).expect(200);
  });
});

describe('the authorization request itself', () => {
  it('may carry scope names the service does not know, which are ignored', async () => {
    const response = await request(server.url)
      .get(authorizationUrl(server, { client_id: demo.clientId, redirect_uri: demo.redirectUris[0], scope: 'openid pid not_a_thaid_scope' }))
      .expect(200);
    expect(response.text).toContain('เลขประจำตัวประชาชน');
    expect(response.text).not.toContain('not_a_thaid_scope');
  });

  it('must name its redirect URI even when the system has registered only one', async () => {
    const rp = await createRelyingParty(server, { redirectUris: ['https://only.example.test/cb'] });
    const response = await request(server.url).get(authorizationUrl(server, { client_id: rp.clientId })).expect(400);
    expect(response.headers.location).toBeUndefined();
  });

  it('may come as a form POST, which continues as the same request', async () => {
    const parameters = { response_type: 'code', scope: 'openid pid', state: 'posted', client_id: demo.clientId, redirect_uri: demo.redirectUris[0] };
    const posted = await request(server.url).post('/api/v2/oauth2/auth').type('form').send(parameters).expect(303);
    const followed = new URL(posted.headers.location as string, server.url);
    expect(followed.pathname).toBe('/api/v2/oauth2/auth/');
    expect(Object.fromEntries(followed.searchParams)).toEqual(parameters);
    const page = await request(server.url).get(`${followed.pathname}${followed.search}`).expect(200);
    loginPathOf(page.text);
  });
});
