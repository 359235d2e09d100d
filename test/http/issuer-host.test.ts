import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let direct: TestServer;
let proxied: TestServer;
// Behind a proxy that ends TLS, set up without TRUST_PROXY: the requests it passes on arrive over plain HTTP.
let behindTls: TestServer;
const httpsIssuer = 'https://id.example.test';
beforeAll(async () => {
  direct = await startTestServer();
  proxied = await startTestServer({ env: { TRUST_PROXY: 'true' } });
  behindTls = await startTestServer({ env: { ISSUER: httpsIssuer } });
});
afterAll(async () => {
  await direct?.dispose();
  await proxied?.dispose();
  await behindTls?.dispose();
});

/** Every URL a discovery document names. */
const urlsIn = (document: Record<string, unknown>) =>
  Object.values(document).filter((value): value is string => typeof value === 'string' && /^https?:\/\//.test(value));

describe('the discovery document', () => {
  it('names only ISSUER’s endpoints, whatever Host header the request carries', async () => {
    const answer = await request(direct.url).get('/.well-known/openid-configuration').set('Host', 'evil.example').expect(200);
    const urls = urlsIn(answer.body);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((url) => !url.startsWith(`${direct.issuer}/`) && url !== direct.issuer)).toEqual([]);
  });

  it('behind a trusted proxy, is not steered by X-Forwarded-Host or X-Forwarded-Proto either', async () => {
    const answer = await request(proxied.url)
      .get('/.well-known/openid-configuration')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .expect(200);
    const urls = urlsIn(answer.body);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((url) => !url.startsWith(`${proxied.issuer}/`) && url !== proxied.issuer)).toEqual([]);
  });

  it('names ISSUER’s https endpoints when the requests arrive over plain HTTP, from a proxy that ended TLS', async () => {
    const answer = await request(behindTls.url).get('/.well-known/openid-configuration').expect(200);
    const urls = urlsIn(answer.body);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((url) => !url.startsWith(`${httpsIssuer}/`) && url !== httpsIssuer)).toEqual([]);
  });
});

/** The cookies a browser is given as it starts signing in to the demo relying party. */
async function cookiesOfSignIn(server: TestServer): Promise<string[]> {
  const query = new URLSearchParams({ client_id: demo.clientId, response_type: 'code', scope: 'openid pid', redirect_uri: demo.redirectUris[0]! });
  const started = await request(server.url).get(`/api/v2/oauth2/auth/?${query}`);
  expect(started.status).toBeLessThan(400);
  return ([] as string[]).concat(started.headers['set-cookie'] ?? []);
}

describe('cookies', () => {
  it('are Secure when ISSUER is https, even when the requests arrive over plain HTTP', async () => {
    const cookies = await cookiesOfSignIn(behindTls);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.toLowerCase()).toContain('; secure');
  });

  it('are not Secure for an http ISSUER, which browsers would not send them back to', async () => {
    const cookies = await cookiesOfSignIn(direct);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.toLowerCase()).not.toContain('; secure');
  });
});
