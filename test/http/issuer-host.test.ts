import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let direct: TestServer;
let proxied: TestServer;
beforeAll(async () => {
  direct = await startTestServer();
  proxied = await startTestServer({ env: { TRUST_PROXY: 'true' } });
});
afterAll(async () => {
  await direct?.dispose();
  await proxied?.dispose();
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
});
