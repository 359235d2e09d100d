import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsOnlyHost } from '../../src/http/security-headers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Served over plain HTTP, as from a proxy that ends TLS for an https ISSUER on a domain name.
let behindTls: TestServer;
let local: TestServer;
beforeAll(async () => {
  behindTls = await startTestServer({ env: { ISSUER: 'https://id.example.test' } });
  local = await startTestServer();
});
afterAll(async () => {
  await behindTls?.dispose();
  await local?.dispose();
});

describe('Strict-Transport-Security', () => {
  it('keeps browsers on https for an https ISSUER on a domain name, on every answer', async () => {
    for (const path of ['/.well-known/openid-configuration', '/healthz', '/no-such-page']) {
      const answer = await request(behindTls.url).get(path);
      expect(answer.headers['strict-transport-security'], path).toBe('max-age=31536000');
    }
  });

  it('is not sent for an http ISSUER', async () => {
    const answer = await request(local.url).get('/.well-known/openid-configuration').expect(200);
    expect(answer.headers['strict-transport-security']).toBeUndefined();
  });

  it('is not sent for localhost or an address, where plain HTTP may be served tomorrow on the same host', () => {
    expect(httpsOnlyHost('https://id.example.test')).toBe(true);
    expect(httpsOnlyHost('https://imauth.bora.dopa.go.th')).toBe(true);
    for (const issuer of ['http://id.example.test', 'https://localhost:3000', 'https://app.localhost', 'https://127.0.0.1:3443', 'https://192.168.1.20:3443', 'https://[::1]:3443']) {
      expect(httpsOnlyHost(issuer), issuer).toBe(false);
    }
  });
});
