import type { StoredDevice } from './device-key.ts';

/*
 * The device API, signed as docs/device-api.openapi.yaml requires: every request carries an ES256 compact JWS
 * over the method, the path, a digest of the body, the time and a nonce, made with this phone's key.
 */

export const API = '/device/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, details?: unknown, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (const byte of array) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const base64urlJson = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)));

function nonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** `Authorization` for one request: enrolment requests carry the public key, later ones the device id. */
export async function signature(device: StoredDevice, method: string, path: string, body: string): Promise<string> {
  const header = device.deviceId
    ? { typ: 'thaid-device-request+jwt', alg: 'ES256', kid: device.deviceId }
    : { typ: 'thaid-device-request+jwt', alg: 'ES256', jwk: device.publicJwk };
  const payload = {
    htm: method,
    htu: path,
    bd: base64url(await crypto.subtle.digest('SHA-256', encoder.encode(body))),
    iat: Math.floor(Date.now() / 1000),
    nonce: nonce(),
  };
  const signingInput = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  // WebCrypto's ECDSA signature is R‖S, 64 bytes: what JWS wants.
  const signed = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, device.keyPair.privateKey, encoder.encode(signingInput));
  return `ThaID-Device ${signingInput}.${base64url(signed)}`;
}

/** Called when the server says this phone was replaced, from whichever request learnt it. */
let onRevoked: () => void = () => {};
export const whenRevoked = (handler: () => void) => {
  onRevoked = handler;
};
/** The notice stream's word that this phone was replaced. */
export const revokedNow = () => onRevoked();

/** Sends a signed request and answers the server's answer, or throws its refusal as ApiError. */
async function send(device: StoredDevice, method: string, path: string, body?: unknown): Promise<Response> {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: await signature(device, method, API + path, raw) };
  if (raw) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(API + path, { method, headers, ...(raw ? { body: raw } : {}), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'offline');
  }
  if (response.ok) return response;
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const error = new ApiError(
    response.status,
    String(json.error ?? 'error'),
    String(json.error_description ?? `The server answered ${response.status}.`),
    json.details,
    Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
  if (error.code === 'device_revoked') onRevoked();
  throw error;
}

/** Sends a signed request and answers its JSON, or throws the server's refusal as ApiError. */
export async function call<T>(device: StoredDevice, method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(device, method, path, body);
  return (await response.json().catch(() => ({}))) as T;
}

/** A signed GET of a file to save: its content and the name the server gives it (Content-Disposition). */
export async function download(device: StoredDevice, path: string): Promise<{ file: Blob; name: string }> {
  const response = await send(device, 'GET', path);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'thaid-download';
  return { file: await response.blob(), name };
}
