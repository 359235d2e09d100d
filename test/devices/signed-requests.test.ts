import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { enrolledDevice, startServerWithDevice } from '../support/browser-login.ts';
import type { TestServer } from '../support/server.ts';

let server: TestServer;
let device: VirtualDevice;
beforeAll(async () => {
  ({ server, device } = await startServerWithDevice());
});
afterAll(() => server?.dispose());

const send = async (url: string, init: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as { error?: string; error_description?: string } };
};

describe('signed device requests', () => {
  it('are accepted once', async () => {
    const { url, init } = await device.signedRequest('GET', '/me', undefined);
    expect((await send(url, init)).status).toBe(200);
  });

  it('are refused when replayed', async () => {
    const { url, init } = await device.signedRequest('GET', '/me', undefined);
    expect((await send(url, init)).status).toBe(200);
    const replay = await send(url, init);
    expect(replay).toMatchObject({ status: 401, body: { error: 'replayed_request' } });
  });

  it('are refused when the body differs from the signed digest', async () => {
    const { url, init } = await device.signedRequest('POST', '/logins/scan', { code: 'ABCD-2345' });
    const tampered = await send(url, { ...init, body: JSON.stringify({ code: 'WXYZ-6789' }) });
    expect(tampered).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('are refused on another path than the signed one', async () => {
    const { init } = await device.signedRequest('GET', '/me', undefined);
    const moved = await send(`${server.url}/device/v1/notifications`, init);
    expect(moved).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('are refused without a signature, with a message saying how to sign', async () => {
    const unsigned = await send(`${server.url}/device/v1/me`, {});
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error_description).toContain('ThaID-Device');
  });

  it('are refused when signed by another key than the device’s', async () => {
    const stranger = await enrolledDevice(server, demoPersonas[1]!);
    const { url, init } = await stranger.signedRequest('GET', '/me', undefined);
    const headers = init.headers as Record<string, string>;
    const [scheme, jws] = headers.authorization!.split(' ');
    const [, payload, signature] = jws!.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'thaid-device-request+jwt', kid: device.requireDeviceId() })).toString('base64url');
    const forged = await send(url, { ...init, headers: { authorization: `${scheme} ${header}.${payload}.${signature}` } });
    expect(forged).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });
});

describe('a device API address that takes no query parameters', () => {
  it('refuses any sent, naming it, instead of answering as if it were not there', async () => {
    for (const path of ['/me?x=1', '/notifications?limit=1', '/connected-services?client_id=a']) {
      const { url, init } = await device.signedRequest('GET', path, undefined);
      const refused = await send(url, init);
      expect(refused.status, path).toBe(400);
      expect(refused.body.error, path).toBe('invalid_request');
      expect(refused.body.error_description, path).toMatch(/^unknown parameter (x|limit|client_id): this address takes no query parameters$/);
    }
  });
});

describe('stale signed requests', () => {
  it('are refused when signed more than a minute away from the server clock', async () => {
    const fiveMinutesAgo = Math.floor(Date.now() / 1000) - 5 * 60;
    const signed = await device.signedRequest('GET', '/me', undefined, 'device', { iat: fiveMinutesAgo });
    const stale = await send(signed.url, signed.init);
    expect(stale).toMatchObject({ status: 401, body: { error: 'stale_request' } });
  });
});

describe('a signed payload that is not an object', () => {
  it('is refused as an invalid signature, not a server error', async () => {
    const { CompactSign, exportJWK, generateKeyPair } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jws = await new CompactSign(new TextEncoder().encode('null'))
      .setProtectedHeader({ alg: 'ES256', typ: 'thaid-device-request+jwt', jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    const response = await send(`${server.url}/device/v1/enrolments`, { method: 'POST', headers: { authorization: `ThaID-Device ${jws}` } });
    expect(response).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('errors of the device API are JSON even for a browser-like Accept header', async () => {
    const response = await fetch(`${server.url}/device/v1/me`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('naming no device that can exist, or with a nonce of other characters, are refused without reaching the database', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'thaid-device-request+jwt', kid: 'dev\u0000ice' })).toString('base64url');
    const unsigned = await send(`${server.issuer}/device/v1/me`, { headers: { authorization: `ThaID-Device ${header}.e30.c2ln` } });
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    const { url, init } = await device.signedRequest('GET', '/me', undefined, 'device', { nonce: 'nonce-with-a-nul-\u0000-in-it' });
    expect(await send(url, init)).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('for a sign-in id that cannot exist are answered 404', async () => {
    const { url, init } = await device.signedRequest('POST', '/logins/%00/approve', { pin: '40718263', integrity: 'intact' });
    expect(await send(url, init)).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});
