import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Compact JWS with ES256 (ECDSA P-256, SHA-256), the one algorithm devices sign with, on node:crypto's
 * synchronous primitives: they cost a third of the WebCrypto path, which also queues every signature on the
 * thread pool behind the PIN hashes.
 */

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Buffer;
}

const base64url = /^[\w-]+$/;

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The protected header of a compact JWS, unverified; undefined when it is not one. */
export function jwsHeader(jws: string): Record<string, unknown> | undefined {
  return parseJson(jws.split('.')[0] ?? '');
}

/**
 * Verifies `jws` with the key `keyFor` picks from its header. Undefined when it is not a compact ES256 JWS, names
 * an extension it must understand (`crit`), has no key, or does not verify.
 */
export function verifyEs256(jws: string, keyFor: (header: Record<string, unknown>) => KeyObject | undefined): VerifiedJws | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((part) => base64url.test(part))) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJson(headerPart);
  if (!header || header.alg !== 'ES256' || 'crit' in header) return undefined;
  const signature = Buffer.from(signaturePart, 'base64url');
  const key = keyFor(header);
  if (signature.length !== 64 || !key) return undefined;
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)) return undefined;
  return { header, payload: Buffer.from(payloadPart, 'base64url') };
}

/**
 * A P-256 coordinate as RFC 7518 writes it: its full 32 bytes, base64url without padding. Node's decoder skips what
 * is not base64url, so a coordinate followed by a NUL, a space or a lone surrogate would still make the key, and
 * then be kept as text (the enrolment nonce, the device's JWK) that the database cannot hold.
 */
const p256Coordinate = /^[\w-]{43}$/;

/** A P-256 public key from its JWK; undefined for anything else, a private key included. */
export function es256PublicKey(jwk: unknown): KeyObject | undefined {
  const candidate = jwk as JWK | undefined;
  if (typeof candidate !== 'object' || candidate === null || candidate.kty !== 'EC' || candidate.crv !== 'P-256' || 'd' in candidate) return undefined;
  if (typeof candidate.x !== 'string' || typeof candidate.y !== 'string') return undefined;
  if (!p256Coordinate.test(candidate.x) || !p256Coordinate.test(candidate.y)) return undefined;
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: candidate.x, y: candidate.y }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** A new device key pair, the private half as a JWK (what a virtual device keeps in its file). */
export function newEs256PrivateJwk(): JWK {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
}

export function es256PrivateKey(privateJwk: JWK): KeyObject {
  return createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
}

/** A compact JWS over `payload` with `header` (alg is set here). */
export function signEs256(header: Record<string, unknown>, payload: unknown, key: KeyObject): string {
  const encodedHeader = Buffer.from(JSON.stringify({ ...header, alg: 'ES256' })).toString('base64url');
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' });
  return `${encodedHeader}.${encodedPayload}.${signature.toString('base64url')}`;
}
