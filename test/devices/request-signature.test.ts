import { generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Schema } from '../../src/db/schema.ts';
import { signEs256 } from '../../src/devices/device-jws.ts';
import { DeviceAuthenticationError } from '../../src/errors.ts';
import { bodyDigest, signatureType, verifyDeviceSignature, verifyEnrolmentRequest, type RequestFacts } from '../../src/devices/request-signature.ts';

/*
 * A signature that is not a compact JWS, or whose header is not JSON or names no device, is refused for what it
 * is, before any device is looked up: "the signing device is not known; enrol it first" sent a developer to enrol
 * again when the header was malformed. None of these reach the database.
 */
const noDatabase = undefined as unknown as Kysely<Schema>;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const facts = (jws: string): RequestFacts => ({ authorization: `ThaID-Device ${jws}`, method: 'GET', path: '/device/v1/me', body: Buffer.alloc(0) });

async function refusal(verify: Promise<unknown>): Promise<DeviceAuthenticationError> {
  const error = await verify.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeviceAuthenticationError);
  return error as DeviceAuthenticationError;
}

describe('a device request whose signature is malformed', () => {
  it('is refused as not a compact JWS when it has other than three base64url parts', async () => {
    for (const jws of ['a.b', 'a.b.c.d', 'a..c', 'a.b.c=', '{"kid":"x"}.b.c']) {
      const error = await refusal(verifyDeviceSignature(noDatabase, facts(jws)));
      expect(error.code, jws).toBe('invalid_signature');
      expect(error.message, jws).toContain('not a compact JWS');
    }
  });

  it('is refused for its header when the header is not a JSON object', async () => {
    for (const header of ['null', '[1]', 'not json']) {
      const error = await refusal(verifyDeviceSignature(noDatabase, facts(`${b64(header)}.${b64({})}.c2ln`)));
      expect(error.message, header).toContain('protected header is not a JSON object');
    }
  });

  it('is refused for naming no device when its header has no kid', async () => {
    for (const header of [{ alg: 'ES256', typ: signatureType }, { alg: 'ES256', typ: signatureType, kid: 123 }]) {
      const error = await refusal(verifyDeviceSignature(noDatabase, facts(`${b64(header)}.${b64({})}.c2ln`)));
      expect(error.message, JSON.stringify(header)).toContain('must name the signing device with kid');
    }
  });

  it('is refused for its key when the JWK in its header has more than its coordinates (a NUL, a lone surrogate), before any nonce is kept', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const claims = { htm: 'POST', htu: '/device/v1/enrolments', bd: bodyDigest(''), iat: Math.floor(Date.now() / 1000), nonce: 'n'.repeat(22) };
    for (const key of [{ ...jwk, x: `${jwk.x}\u0000` }, { ...jwk, y: `${jwk.y}\ud800` }]) {
      const jws = signEs256({ typ: signatureType, jwk: key }, claims, privateKey);
      const error = await refusal(verifyEnrolmentRequest(noDatabase, { ...facts(jws), method: 'POST', path: '/device/v1/enrolments' }));
      expect(error.message, JSON.stringify(key)).toContain('P-256 key whose public JWK is in the JWS header');
    }
  });

  it('leaves a well-formed enrolment request to the checks it had', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const claims = { htm: 'POST', htu: '/device/v1/enrolments', bd: bodyDigest(''), iat: Math.floor(Date.now() / 1000), nonce: 'n'.repeat(22) };
    const jws = signEs256({ typ: 'another+jwt', jwk }, claims, privateKey);
    const enrolment = { ...facts(jws), method: 'POST', path: '/device/v1/enrolments' };
    const error = await refusal(verifyEnrolmentRequest(noDatabase, enrolment));
    expect(error.message).toContain('typ');
  });
});
