import { createHash, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { DeviceAuthenticationError } from '../errors.ts';
import type { LimitName, RateLimiter } from '../http/rate-limits.ts';
import { es256PublicKey, jwsHeader, verifyEs256 } from './device-jws.ts';
import { findDevice, recordDeviceRequest, rememberNonce, type Device, type DeviceRequestNonce, type RecordedDeviceRequest } from './queries.ts';

/**
 * Every device request carries `Authorization: ThaID-Device <JWS>`, an ES256 compact JWS by the device's own
 * P-256 key over what makes the request unique: method, path, a digest of the body, the time and a nonce.
 * Enrolment requests embed the new public key in the JWS header (proof of possession); all later requests name
 * the device with `kid`.
 */
export const signatureScheme = 'ThaID-Device';
export const signatureType = 'thaid-device-request+jwt';
const MAX_CLOCK_SKEW_SECONDS = 60;

interface SignedRequestClaims {
  htm: string;
  /** The request's path and query string, as sent. */
  htu: string;
  /** base64url SHA-256 of the raw body (of the empty string when there is none). */
  bd: string;
  iat: number;
  nonce: string;
}

export function bodyDigest(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('base64url');
}

export interface RequestFacts {
  authorization: string;
  method: string;
  path: string;
  body: Buffer;
}

function compactJwsOf(authorization: string): string {
  const [scheme, jws] = authorization.split(' ');
  if (scheme !== signatureScheme || !jws) {
    throw new DeviceAuthenticationError('invalid_signature', `Sign the request: send "Authorization: ${signatureScheme} <JWS>".`);
  }
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jws)) {
    throw new DeviceAuthenticationError(
      'invalid_signature',
      'The signature is not a compact JWS: send three base64url parts (protected header, payload, signature) joined by dots.',
    );
  }
  if (!jwsHeader(jws)) throw new DeviceAuthenticationError('invalid_signature', "The JWS's protected header is not a JSON object in base64url.");
  return jws;
}

function checkClaims(payload: Buffer, facts: RequestFacts): SignedRequestClaims {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DeviceAuthenticationError('invalid_signature', 'The signed payload must be a JSON object.');
  }
  const claims = parsed as SignedRequestClaims;
  if (claims.htm !== facts.method || claims.htu !== facts.path || claims.bd !== bodyDigest(facts.body)) {
    throw new DeviceAuthenticationError('invalid_signature', 'The signature does not cover this method, path and body.');
  }
  if (typeof claims.nonce !== 'string' || !/^[\w-]{16,128}$/.test(claims.nonce)) {
    throw new DeviceAuthenticationError('invalid_signature', 'The signed request needs a nonce of 16 to 128 base64url characters (A-Z, a-z, 0-9, - and _).');
  }
  if (typeof claims.iat !== 'number' || Math.abs(Date.now() / 1000 - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    throw new DeviceAuthenticationError('stale_request', `The request was signed more than ${MAX_CLOCK_SKEW_SECONDS} s from now; check the device clock.`);
  }
  return claims;
}

function verifyWith(jws: string, keyFor: (header: Record<string, unknown>) => KeyObject | undefined) {
  const verified = verifyEs256(jws, keyFor);
  if (!verified) throw new DeviceAuthenticationError('invalid_signature', 'The request signature does not verify (an ES256 compact JWS is expected).');
  return verified;
}

const nonceKeptUntil = (claims: SignedRequestClaims) => new Date((claims.iat + 2 * MAX_CLOCK_SKEW_SECONDS) * 1000);

const replayed = () => new DeviceAuthenticationError('replayed_request', 'This signed request was already used.');

/** An enrolment request: verified with the key in its own header, which becomes the device's key. */
export async function verifyEnrolmentRequest(db: Kysely<Schema>, facts: RequestFacts): Promise<{ publicJwk: JWK }> {
  const jws = compactJwsOf(facts.authorization);
  const embedded = jwsHeader(jws)?.jwk as JWK | undefined;
  const key = es256PublicKey(embedded);
  if (!embedded || !key) {
    throw new DeviceAuthenticationError('invalid_signature', 'Enrolment must be signed by a P-256 key whose public JWK is in the JWS header.');
  }
  const { payload, header } = verifyWith(jws, () => key);
  if (header.typ !== signatureType) {
    throw new DeviceAuthenticationError('invalid_signature', `The JWS header must have typ "${signatureType}".`);
  }
  const jwk = embedded as JWK & { x: string; y: string };
  const claims = checkClaims(payload, facts);
  if (!(await rememberNonce(db, `enrolment:${jwk.x}`, claims.nonce, nonceKeptUntil(claims)))) throw replayed();
  return { publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
}

/**
 * Public keys of devices seen by this process. A device id names one key for good, so the key can be kept;
 * the device's status is read afresh with every request.
 */
const deviceKeys = new Map<string, KeyObject>();

async function deviceKey(db: Kysely<Schema>, deviceId: string): Promise<KeyObject | undefined> {
  let key = deviceKeys.get(deviceId);
  if (!key) {
    const device = await findDevice(db, deviceId);
    key = device && es256PublicKey(device.public_jwk);
    if (!key) return undefined;
    if (deviceKeys.size >= 10_000) deviceKeys.clear();
    deviceKeys.set(deviceId, key);
  }
  return key;
}

export const deviceRevoked = () =>
  new DeviceAuthenticationError(
    'device_revoked',
    'This device no longer holds the citizen’s ThaID: another phone was enrolled. Enrol this phone again to use it.',
  );

const unknownDevice = () => new DeviceAuthenticationError('invalid_signature', 'The signing device is not known; enrol it first.');

/** The device id the JWS header names; device ids are base64url, so anything else names no device. */
function kidOf(jws: string): string | undefined {
  try {
    const { kid } = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof kid === 'string' && /^[\w-]{1,64}$/.test(kid) ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Any later request, before anything is recorded: the device named by kid must have signed it. What is left to
 * check is the device's status and the nonce's novelty, which need the database: see acceptRecordedRequest.
 */
export async function verifyDeviceSignature(db: Kysely<Schema>, facts: RequestFacts): Promise<DeviceRequestNonce> {
  const jws = compactJwsOf(facts.authorization);
  if (typeof jwsHeader(jws)?.kid !== 'string') {
    throw new DeviceAuthenticationError('invalid_signature', 'The JWS header must name the signing device with kid: the device id its enrolment answered.');
  }
  const kid = kidOf(jws);
  const key = kid === undefined ? undefined : await deviceKey(db, kid);
  if (!kid || !key) throw unknownDevice();
  const { payload, header } = verifyWith(jws, () => key);
  if (header.typ !== signatureType) {
    throw new DeviceAuthenticationError('invalid_signature', `The JWS header must have typ "${signatureType}".`);
  }
  const claims = checkClaims(payload, facts);
  return { deviceId: kid, nonce: claims.nonce, expiresAt: nonceKeptUntil(claims) };
}

/**
 * Refuses a verified request once its nonce is recorded (see withDeviceRequestRecorded): a device that is no
 * longer known or active, or a nonce that was used before.
 */
function acceptRecordedRequest<T extends RecordedDeviceRequest>(recorded: T | undefined): asserts recorded is T {
  if (!recorded) throw unknownDevice();
  if (recorded.device_status !== 'active') throw deviceRevoked();
  if (!recorded.nonce_is_new) throw replayed();
}

/**
 * A verified request of a step that records its nonce in the step's own statement (withDeviceRequestRecorded),
 * which must act only if the nonce was new and the device may answer, and must then hand what it found to
 * `accepted`. signedStepRoute makes sure it did (see there).
 */
export class SignedStep {
  readonly request: DeviceRequestNonce;
  #recorded = false;
  #givenBackIfReplayed: (() => Promise<void>)[] = [];

  constructor(request: DeviceRequestNonce) {
    this.request = request;
  }

  get deviceId(): string {
    return this.request.deviceId;
  }

  /** Whether the step's statement has recorded the nonce (and accepted or refused the request). */
  get recorded(): boolean {
    return this.#recorded;
  }

  /**
   * Takes a rate-limit point for this request. Its nonce is checked by the step's statement, after the points
   * are taken, so a request that turns out replayed is given them back (signedStepRoute): a captured request
   * sent again spends none of its device's allowance.
   */
  async takePoint(limits: RateLimiter, name: LimitName, key: string): Promise<void> {
    await limits.take(name, key);
    this.#givenBackIfReplayed.push(() => limits.giveBack(name, key));
  }

  /** The request was refused as replayed: the points it took are its device's again. */
  async giveBackPoints(): Promise<void> {
    for (const giveBack of this.#givenBackIfReplayed.splice(0)) await giveBack();
  }

  /** What the step's statement found, once it is known that the request may act: else the request's refusal. */
  accepted<T extends RecordedDeviceRequest>(recorded: T | undefined): T {
    this.#recorded = true;
    acceptRecordedRequest(recorded);
    return recorded;
  }
}

/** Any later request: the device named by kid must have signed it, be active, and not have sent it before. */
export async function verifyDeviceRequest(db: Kysely<Schema>, facts: RequestFacts): Promise<Device> {
  return recordedDevice(db, await verifyDeviceSignature(db, facts));
}

/** Records a verified request's nonce, in a statement of its own, and returns its device if the request may act. */
export async function recordedDevice(db: Kysely<Schema>, request: DeviceRequestNonce): Promise<Device> {
  const recorded = await recordDeviceRequest(db, request);
  acceptRecordedRequest(recorded);
  // The status is in the device's own columns as well.
  const { nonce_is_new: _nonceIsNew, device_status: _status, ...device } = recorded;
  return device;
}
