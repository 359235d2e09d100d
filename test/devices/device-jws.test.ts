import { generateKeyPairSync, sign } from 'node:crypto';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { es256PrivateKey, es256PublicKey, newEs256PrivateJwk, signEs256, verifyEs256 } from '../../src/devices/device-jws.ts';

const privateJwk = newEs256PrivateJwk();
const { d: _d, ...publicJwk } = privateJwk;
const publicKey = es256PublicKey(publicJwk)!;
const privateKey = es256PrivateKey(privateJwk);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('device request signatures (compact JWS, ES256)', () => {
  it('are standard JWS: another library verifies ours and we verify its', async () => {
    const ours = signEs256({ typ: 't', kid: 'k' }, { hello: 'world' }, privateKey);
    const theirs = await compactVerify(ours, await importJWK(publicJwk, 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(theirs.payload))).toEqual({ hello: 'world' });
    expect(theirs.protectedHeader).toEqual({ typ: 't', kid: 'k', alg: 'ES256' });

    const fromJose = await new CompactSign(new TextEncoder().encode('{"n":1}')).setProtectedHeader({ alg: 'ES256' }).sign(await importJWK(privateJwk, 'ES256'));
    expect(verifyEs256(fromJose, () => publicKey)?.payload.toString()).toBe('{"n":1}');
  });

  it('do not verify once any part is altered, or with another key', () => {
    const jws = signEs256({}, { n: 1 }, privateKey);
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    expect(verifyEs256(`${header}.${b64({ n: 2 })}.${signature}`, () => publicKey)).toBeUndefined();
    expect(verifyEs256(`${b64({ alg: 'ES256', kid: 'x' })}.${payload}.${signature}`, () => publicKey)).toBeUndefined();
    const flipped = Buffer.from(signature, 'base64url');
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyEs256(`${header}.${payload}.${flipped.toString('base64url')}`, () => publicKey)).toBeUndefined();
    const other = es256PublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }))!;
    expect(verifyEs256(jws, () => other)).toBeUndefined();
    expect(verifyEs256(jws, () => undefined)).toBeUndefined();
  });

  it('accept ES256 only: no "none", no other algorithm, no critical extensions, no DER signatures', () => {
    const payload = b64({ n: 1 });
    expect(verifyEs256(`${b64({ alg: 'none' })}.${payload}.`, () => publicKey)).toBeUndefined();
    const hs = `${b64({ alg: 'HS256' })}.${payload}`;
    expect(verifyEs256(`${hs}.${Buffer.alloc(64).toString('base64url')}`, () => publicKey)).toBeUndefined();
    const critical = `${b64({ alg: 'ES256', crit: ['exp'], exp: 1 })}.${payload}`;
    const criticalSignature = sign('sha256', Buffer.from(critical), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    expect(verifyEs256(`${critical}.${criticalSignature}`, () => publicKey)).toBeUndefined();
    const plain = `${b64({ alg: 'ES256' })}.${payload}`;
    const der = sign('sha256', Buffer.from(plain), { key: privateKey, dsaEncoding: 'der' }).toString('base64url');
    expect(verifyEs256(`${plain}.${der}`, () => publicKey)).toBeUndefined();
    const p1363 = sign('sha256', Buffer.from(plain), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    expect(verifyEs256(`${plain}.${p1363}`, () => publicKey)).toBeDefined();
  });

  it('refuse what is not a compact JWS without throwing', () => {
    for (const junk of ['', 'a.b', 'a.b.c.d', '!!.??.##', `${b64([1])}.${b64({})}.${'A'.repeat(86)}`, `e30.e30.${'A'.repeat(86)}`]) {
      expect(verifyEs256(junk, () => publicKey)).toBeUndefined();
    }
  });

  it('take public P-256 keys only', () => {
    expect(es256PublicKey(privateJwk)).toBeUndefined();
    expect(es256PublicKey({ ...publicJwk, crv: 'P-384' })).toBeUndefined();
    expect(es256PublicKey({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' })).toBeUndefined();
    expect(es256PublicKey('not a key')).toBeUndefined();
    expect(es256PublicKey(null)).toBeUndefined();
  });

  it('take coordinates written in full as base64url only, nothing before or after them', () => {
    expect(publicJwk.x).toMatch(/^[\w-]{43}$/);
    // Node's base64url decoder skips these, and would make the key all the same.
    for (const extra of ['\u0000', ' ', '\ud800', '=', '\n', 'ก']) {
      expect(es256PublicKey({ ...publicJwk, x: `${publicJwk.x}${extra}` }), JSON.stringify(extra)).toBeUndefined();
      expect(es256PublicKey({ ...publicJwk, y: `${extra}${publicJwk.y}` }), JSON.stringify(extra)).toBeUndefined();
    }
    expect(es256PublicKey({ ...publicJwk, x: publicJwk.x!.slice(1) })).toBeUndefined();
  });
});
